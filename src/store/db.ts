// Opening the SQLite file: private directory and file modes, then the connection pragmas.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const STORE_FILENAME = 'bridle.db';
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export interface OpenDatabaseOptions {
  dir: string;
  /** Reader connection: the file must exist, nothing is created, writes are refused. */
  readOnly?: boolean;
  /**
   * `normal` (default): in WAL mode a commit survives the process being killed, and only a power
   * loss or kernel crash can drop the last few commits. `full` also syncs the WAL on every commit.
   */
  synchronous?: 'normal' | 'full';
}

export function storeFile(dir: string): string {
  return path.join(dir, STORE_FILENAME);
}

// The store holds transcripts, prompts and tool output: nobody but the owner may read it. Modes are
// forced with chmod rather than trusted to mkdir/open, because the umask may be looser than ours
// and the directory or files may predate us.
function ensurePrivate(target: string, mode: number): void {
  const st = fs.statSync(target);
  if ((st.mode & 0o777) !== mode) fs.chmodSync(target, mode);
}

export function openDatabase(opts: OpenDatabaseOptions): Database.Database {
  const file = storeFile(opts.dir);
  if (opts.readOnly) {
    // A reader must not create a store by accident (e.g. a typo'd BRIDLE_HOME).
    const db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('query_only = ON');
    return db;
  }

  fs.mkdirSync(opts.dir, { recursive: true, mode: DIR_MODE });
  ensurePrivate(opts.dir, DIR_MODE);
  // Create the file ourselves with 0600 before SQLite sees it: SQLite gives -wal and -shm the
  // same mode as the main file, so this covers all three.
  fs.closeSync(fs.openSync(file, 'a', FILE_MODE));
  ensurePrivate(file, FILE_MODE);

  const db = new Database(file);
  try {
    // Before anything else, so that a concurrent opener waits instead of failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new Error(`bridle store: ${file} cannot use WAL journaling (got ${String(mode)}); is it on a network filesystem?`);
    }
    db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    // Keep a busy WAL from growing without bound between checkpoints.
    db.pragma('journal_size_limit = 67108864');
    // Leftovers from an earlier run (or created by another tool) may carry other modes.
    for (const suffix of ['-wal', '-shm']) {
      try {
        ensurePrivate(file + suffix, FILE_MODE);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
