/** The administration API's shapes, named as the pages use them; the protocol defines them once. */
export type {
  AdminPersonView as AdminPerson,
  AdminResidentView as AdminResident,
  AdminUnitView as AdminUnit,
  AuditEntryView as AuditEntry,
  ImportAction,
  ImportResponse as ImportResult,
  ImportRowView as ImportRow,
  ResidentStatus,
} from '@fengqiao/hub/protocol';

/** What an import or export is about. */
export type ImportKind = 'people' | 'units';
