import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import { writeAudit } from '../audit/audit-log.ts';
import { errors } from '../errors.ts';
import type { HubLocals } from './http-auth.ts';
import { requirePrincipal } from './http-auth.ts';
import { parse } from '../validate.ts';
import { botTokenBody, userStatusBody, type BotTokenResponse } from '../protocol/schemas.ts';
import type { Database } from '../store/schema.ts';
import { actorOf } from './authenticator.ts';
import type { BotTokenService } from './bot-token.service.ts';
import type { PersonDirectory } from './people.ts';
import { can } from './permissions.ts';
import type { SessionService } from './session.service.ts';

/** Account administration: disabling a person or revoking a bot token closes their sockets everywhere. */
export function adminRoutes(deps: {
  db: Kysely<Database>;
  org: PersonDirectory;
  sessions: SessionService;
  botTokens: BotTokenService;
  revokeUser: (userId: string) => void;
  revokeBotToken: (tokenId: string) => void;
}) {
  const r = Router();

  r.patch('/users/:id', async (req, res: Response<unknown, HubLocals>) => {
    const actor = actorOf(requirePrincipal(res));
    if (!can.manageUsers(actor)) throw errors.forbidden('only an admin manages accounts');
    const body = parse(userStatusBody, req.body);
    const id = String(req.params.id);
    if (id === actor.id && body.disabled) throw errors.forbidden('an admin cannot disable their own account');
    const target = await deps.org.getUser(id);
    if (!target) throw errors.notFound('user');
    await deps.org.setDisabled(id, body.disabled);
    if (body.disabled) {
      await deps.sessions.invalidateAllForUser(id);
      deps.revokeUser(id);
    }
    await writeAudit(deps.db, {
      actorId: actor.id,
      action: body.disabled ? 'user.disable' : 'user.enable',
      targetType: 'user',
      targetId: id,
    });
    res.json({ ok: true, disabled: body.disabled });
  });

  r.post('/bot-tokens', async (req, res: Response<unknown, HubLocals>) => {
    const actor = actorOf(requirePrincipal(res));
    if (!can.manageBotTokens(actor)) throw errors.forbidden('only an admin issues bot tokens');
    const body = parse(botTokenBody, req.body);
    const bot = await deps.org.getUser(body.botUserId);
    if (!bot || bot.role !== 'bot') throw errors.notFound('bot user');
    const issued = await deps.botTokens.issue(bot.id, body.name);
    await writeAudit(deps.db, {
      actorId: actor.id,
      action: 'bot_token.issue',
      targetType: 'bot_token',
      targetId: issued.id,
    });
    const out: BotTokenResponse = { ok: true, id: issued.id, token: issued.token };
    res.status(201).json(out);
  });

  r.get('/bot-tokens', async (_req, res: Response<unknown, HubLocals>) => {
    if (!can.manageBotTokens(actorOf(requirePrincipal(res)))) throw errors.forbidden('only an admin lists bot tokens');
    res.json({ ok: true, tokens: await deps.botTokens.list() });
  });

  r.delete('/bot-tokens/:id', async (req, res: Response<unknown, HubLocals>) => {
    const actor = actorOf(requirePrincipal(res));
    if (!can.manageBotTokens(actor)) throw errors.forbidden('only an admin revokes bot tokens');
    const id = String(req.params.id);
    if (!(await deps.botTokens.revoke(id))) throw errors.notFound('bot token');
    deps.revokeBotToken(id);
    await writeAudit(deps.db, { actorId: actor.id, action: 'bot_token.revoke', targetType: 'bot_token', targetId: id });
    res.json({ ok: true });
  });

  return r;
}
