/** Hands text to the browser as a file download (a Blob behind a temporary link). */
export function downloadText(fileName: string, text: string, type: 'text/markdown' | 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: the download has taken its copy by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
