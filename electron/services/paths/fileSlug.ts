/** A file name's part made from a label: lower case, runs of anything but Latin letters, digits and CJK ideographs as one dash, at most 60 characters; `fallback` when nothing is left. */
export function fileSlug(text: string, fallback: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9\u4e00-\u9fff]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || fallback
  );
}
