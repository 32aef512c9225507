import fs from 'fs';
import path from 'path';

/**
 * Writes a file so that a crash at any moment leaves either the old or the new content:
 * temp file in the same folder, fsync, rename over the target, fsync of the folder.
 */
export async function writeFileAtomic(file: string, content: string | readonly string[]): Promise<void> {
  const dir = path.dirname(file);
  await fs.promises.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.promises.open(temp, 'w', 0o600);
  try {
    if (typeof content === 'string') {
      await handle.writeFile(content, 'utf8');
    } else {
      // chunk by chunk, so that no single step encodes the whole text
      for (const chunk of content) await handle.writeFile(chunk, 'utf8');
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fileSystem.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/** The rename that publishes the new content; replaceable so tests can simulate a crash just before it. */
export const fileSystem = {
  rename: (from: string, to: string): Promise<void> => fs.promises.rename(from, to),
};

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}
