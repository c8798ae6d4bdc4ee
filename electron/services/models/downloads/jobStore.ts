/**
 * Download jobs persisted as one JSON file (`<dataDir>/downloads.json`), so a paused or interrupted download is
 * still listed and resumable after the app or the CLI was closed. Each write re-reads the file and replaces only its
 * own job, then renames a temporary file over it, so the CLI and the app writing at once do not lose each other's jobs.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DownloadJob } from '../../../shared/models';

export class DownloadJobStore {
  constructor(private readonly file: string) {}

  list(): DownloadJob[] {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { jobs?: DownloadJob[] };
      return Array.isArray(parsed.jobs) ? parsed.jobs : [];
    } catch {
      // Missing or damaged: no jobs (the .partial files are still found by path when a download is retried).
      return [];
    }
  }

  get(id: string): DownloadJob | undefined {
    return this.list().find((j) => j.id === id);
  }

  findByPath(filePath: string): DownloadJob | undefined {
    return this.list().find((j) => j.path === filePath);
  }

  put(job: DownloadJob): void {
    this.write([...this.list().filter((j) => j.id !== job.id), job]);
  }

  delete(id: string): void {
    this.write(this.list().filter((j) => j.id !== id));
  }

  private write(jobs: DownloadJob[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, jobs }, null, 2));
    renameSync(tmp, this.file);
  }
}
