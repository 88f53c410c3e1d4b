import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { AccountSockets } from '../realtime/account-sockets.ts';
import { accountRoutes } from '../account/account.routes.ts';
import { createAccountService } from '../account/account.service.ts';
import { setupRoutes } from '../account/setup.routes.ts';
import { createSetupService } from '../account/setup.service.ts';
import type { LimitStore } from '../auth/limit-store.ts';
import type { SessionService } from '../auth/session.service.ts';
import type { Database } from '../store/schema.ts';
import type { UnitGroupNotifier } from '../groups/unit-groups.ts';
import { adminWriteLimit, orgAdminRoutes } from './admin.routes.ts';
import { auditRoutes } from './audit.routes.ts';
import { groupOverviewRoutes } from './group-overview.routes.ts';
import { createPeopleAdminService } from './people-admin.service.ts';
import { createResidentAdminService } from './resident-admin.service.ts';
import { rosterRoutes } from './roster.routes.ts';
import { createRosterService } from './roster.service.ts';
import { createUnitAdminService } from './unit-admin.service.ts';

/**
 * Going live, wired once: the first administrator (/api/setup), everyone's account
 * (/api/account) and the administration of units, people, residents, rosters and the audit log
 * (/api/admin, beside the older account and bot-token routes passed in as `legacy`).
 */
export function createAdministration(deps: {
  db: Kysely<Database>;
  sessions: SessionService;
  limits: LimitStore;
  sockets: AccountSockets;
  /** Open sockets join the groups a new unit put their people in. */
  groups: UnitGroupNotifier;
  secureCookies: boolean;
  legacy: Router;
}) {
  const { db, sessions, sockets } = deps;
  const setup = createSetupService({ db });
  const people = createPeopleAdminService({ db, sessions, sockets });
  const units = createUnitAdminService({ db, sockets, groups: deps.groups });
  const residents = createResidentAdminService({ db, sessions, sockets });
  const roster = createRosterService({ db, sockets, groups: deps.groups });
  const admin = Router();
  admin.use(adminWriteLimit(deps.limits));
  admin.use(orgAdminRoutes({ units, people, residents }));
  admin.use(rosterRoutes(roster));
  admin.use(auditRoutes(db));
  admin.use(groupOverviewRoutes(db));
  admin.use(deps.legacy);
  return {
    setup,
    routes: {
      '/setup': setupRoutes({ setup, sessions, limits: deps.limits, secureCookies: deps.secureCookies }),
      '/account': accountRoutes(createAccountService({ db, sessions, sockets })),
      '/admin': admin,
    },
  };
}
