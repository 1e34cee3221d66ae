/** Members of publishers: a subject (a user name or an SSO subject) and its role. */
import type { Queryable } from '../../storage/database.js';
import { isoTime } from '../store/rows.js';
import { isRole, type Role } from './roles.js';

export interface MemberRecord {
  publisher: string;
  subject: string;
  role: Role;
  created_at: string;
}

interface MemberRow {
  publisher: string;
  subject: string;
  role: string;
  created_at: unknown;
}

const toMember = (r: MemberRow): MemberRecord => ({
  publisher: r.publisher,
  subject: r.subject,
  role: isRole(r.role) ? r.role : 'reader',
  created_at: isoTime(r.created_at),
});

export async function listMembers(db: Queryable, publisher: string): Promise<MemberRecord[]> {
  const { rows } = await db.query<MemberRow>(
    `SELECT publisher, subject, role, created_at FROM registry_members
      WHERE publisher = $1 ORDER BY subject`,
    [publisher],
  );
  return rows.map(toMember);
}

/** The role of `subject` in every publisher it is a member of. */
export async function membershipsOf(db: Queryable, subject: string): Promise<Record<string, Role>> {
  const { rows } = await db.query<MemberRow>(
    'SELECT publisher, subject, role, created_at FROM registry_members WHERE subject = $1',
    [subject],
  );
  return Object.fromEntries(rows.map(toMember).map((m) => [m.publisher, m.role]));
}

/** Adds a member or changes its role. */
export async function putMember(
  db: Queryable,
  m: { publisher: string; subject: string; role: Role },
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO registry_members (publisher, subject, role, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (publisher, subject) DO UPDATE SET role = $3`,
    [m.publisher, m.subject, m.role, now],
  );
}

export async function deleteMember(db: Queryable, publisher: string, subject: string) {
  const result = await db.query(
    'DELETE FROM registry_members WHERE publisher = $1 AND subject = $2',
    [publisher, subject],
  );
  return result.rowCount === 1;
}

/** How many owners a publisher has (the last one may not leave). */
export async function ownerCount(db: Queryable, publisher: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM registry_members WHERE publisher = $1 AND role = 'owner'",
    [publisher],
  );
  return Number(rows[0]?.n ?? 0);
}
