import { describe, expect, it } from 'vitest';
import { linkRuns } from './message-links.ts';

const links = (text: string) => linkRuns(text).filter((r) => r.href !== null);

describe('links in a message', () => {
  it('links an http(s) address and keeps the text around it', () => {
    expect(linkRuns('通知见 https://www.gov.cn/zhengce/a.html 请查看')).toEqual([
      { text: '通知见 ', href: null },
      { text: 'https://www.gov.cn/zhengce/a.html', href: 'https://www.gov.cn/zhengce/a.html' },
      { text: ' 请查看', href: null },
    ]);
  });

  it('stops at Chinese text and sentence punctuation that follow with no space', () => {
    expect(linkRuns('详见http://example.com/a?b=1，谢谢。')).toEqual([
      { text: '详见', href: null },
      { text: 'http://example.com/a?b=1', href: 'http://example.com/a?b=1' },
      { text: '，谢谢。', href: null },
    ]);
    expect(links('Read https://example.com/x. Then reply!')[0]?.text).toBe('https://example.com/x');
    expect(links('(see https://en.wikipedia.org/wiki/Foo_(bar))')[0]?.text).toBe(
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    );
    expect(links('(see https://example.com/a)')[0]?.text).toBe('https://example.com/a');
  });

  it('opens a bare www. address over https, and mailto: / tel: only when written out', () => {
    expect(links('www.example.com')).toEqual([{ text: 'www.example.com', href: 'https://www.example.com/' }]);
    expect(links('mailto:desk@example.com tel:110 tel:+86-10-1234')).toEqual([
      { text: 'mailto:desk@example.com', href: 'mailto:desk@example.com' },
      { text: 'tel:110', href: 'tel:110' },
      { text: 'tel:+86-10-1234', href: 'tel:+86-10-1234' },
    ]);
    expect(links('打 110 或 desk@example.com')).toEqual([]);
  });

  it('never links javascript:, data: or other schemes, however they are written', () => {
    for (const text of [
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://example.com/a',
      'xhttps://example.com',
      'javascript:alert(1)//http://x',
      'tel:javascript:alert(1)',
      'mailto:javascript:alert(1)',
    ])
      expect(links(text), text).toEqual([]);
    // Whatever follows a scheme we open is parsed as that scheme's address, never run.
    const [tricky] = links('https://example.com/"onmouseover="alert(1)');
    expect(tricky?.href).toBe('https://example.com/');
  });

  it('leaves text without addresses as it is, empty included', () => {
    expect(linkRuns('东门路灯坏了')).toEqual([{ text: '东门路灯坏了', href: null }]);
    expect(linkRuns('')).toEqual([]);
    expect(links('http://localhost:3000/groups')[0]?.href).toBe('http://localhost:3000/groups');
    expect(links('http://nodot')).toEqual([]);
  });
});
