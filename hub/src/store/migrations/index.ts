import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.ts';
import * as orders from './0002-orders.ts';
import * as groups from './0003-groups.ts';
import * as matters from './0004-matters.ts';
import * as groupExtras from './0005-group-extras.ts';
import * as images from './0006-images.ts';
import * as directGroups from './0007-direct-groups.ts';
import * as hotline from './0008-hotline.ts';
import * as reports from './0009-reports.ts';
import * as orderRecipientsUnchecked from './0010-order-recipients-unchecked.ts';
import * as messageEdits from './0011-message-edits.ts';
import * as dropLoginThrottle from './0012-drop-login-throttle.ts';
import * as storeProbes from './0013-store-probes.ts';
import * as administration from './0014-administration.ts';
import * as push from './0015-push.ts';
import * as imageFiles from './0016-image-files.ts';
import * as retention from './0017-retention.ts';
import * as orderStates from './0018-order-states.ts';
import * as orderRevIndexes from './0019-order-rev-indexes.ts';
import * as editedMessagesIndex from './0020-edited-messages-index.ts';

/** Migrations in order; the same set runs on SQLite and PostgreSQL. */
const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-orders': orders,
  '0003-groups': groups,
  '0004-matters': matters,
  '0005-group-extras': groupExtras,
  '0006-images': images,
  '0007-direct-groups': directGroups,
  '0008-hotline': hotline,
  '0009-reports': reports,
  '0010-order-recipients-unchecked': orderRecipientsUnchecked,
  '0011-message-edits': messageEdits,
  '0012-drop-login-throttle': dropLoginThrottle,
  '0013-store-probes': storeProbes,
  '0014-administration': administration,
  '0015-push': push,
  '0016-image-files': imageFiles,
  '0017-retention': retention,
  '0018-order-states': orderStates,
  '0019-order-rev-indexes': orderRevIndexes,
  '0020-edited-messages-index': editedMessagesIndex,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
