/** Publishers an admin has verified (shown with a badge, and a search filter). */
import type { Queryable } from '../../../storage/database.js';
import { isoTime } from '../../store/rows.js';

export interface Verification {
  publisher: string;
  verifiedAt: string;
  note: string;
}

interface VerificationRow {
  publisher: string;
  verified_at: unknown;
  note: string;
}

const toVerification = (row: VerificationRow): Verification => ({
  publisher: row.publisher,
  verifiedAt: isoTime(row.verified_at),
  note: row.note,
});

export async function findVerification(
  db: Queryable,
  publisher: string,
): Promise<Verification | undefined> {
  const { rows } = await db.query<VerificationRow>(
    'SELECT publisher, verified_at, note FROM registry_verified_publishers WHERE publisher = $1',
    [publisher],
  );
  return rows[0] ? toVerification(rows[0]) : undefined;
}

export async function listVerifications(db: Queryable): Promise<Verification[]> {
  const { rows } = await db.query<VerificationRow>(
    'SELECT publisher, verified_at, note FROM registry_verified_publishers ORDER BY publisher',
  );
  return rows.map(toVerification);
}

/** Marks a publisher verified (again: the date and note are replaced). */
export async function verifyPublisher(
  db: Queryable,
  publisher: string,
  note: string,
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO registry_verified_publishers (publisher, verified_at, note) VALUES ($1, $2, $3)
     ON CONFLICT (publisher) DO UPDATE SET verified_at = $2, note = $3`,
    [publisher, now, note],
  );
}

/** False when the publisher was not verified. */
export async function unverifyPublisher(db: Queryable, publisher: string): Promise<boolean> {
  const result = await db.query(
    'DELETE FROM registry_verified_publishers WHERE publisher = $1',
    [publisher],
  );
  return result.rowCount === 1;
}

export async function publisherExists(db: Queryable, publisher: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM registry_publishers WHERE id = $1', [publisher]);
  return rows.length > 0;
}
