/** Which files the report library takes (the loaders' formats), for the file picker and for drops. */
export const reportExtensions = ['.pdf', '.docx', '.xlsx', '.csv', '.htm', '.html', '.txt', '.md', '.markdown'] as const;

/** The `accept` attribute of the browser's file input. */
export const reportAccept = reportExtensions.join(',');

export function isReportFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return reportExtensions.some((ext) => lower.endsWith(ext));
}

export function isModelFileName(name: string): boolean {
  return name.toLowerCase().endsWith('.gguf');
}
