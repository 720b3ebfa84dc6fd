// The server's stderr in the log channel at each line's own level: `aurelis serve` writes
// "<date> <time> LEVEL logger: message" (cli/logs.py); the language client's default shows every
// stderr line as [error]. A line without a level (a traceback's continuation) keeps the level of
// the line it continues. Pure apart from the channel it is given.

export type Level = "trace" | "debug" | "info" | "warn" | "error";

const LEVELS: Record<string, Level> = {
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warn",
  WARN: "warn",
  ERROR: "error",
  CRITICAL: "error",
  FATAL: "error",
};

const LINE = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)? (DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL) (.*)$/;

/** The level and the text to show (without the timestamp: the channel adds its own). */
export function parseServerLine(line: string): { level: Level; text: string } | undefined {
  const m = LINE.exec(line);
  return m ? { level: LEVELS[m[1]], text: m[2] } : undefined;
}

export interface LevelledSink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A per-stream line handler: each stderr line goes to `sink` at its level. */
export function stderrLines(sink: LevelledSink): (line: string) => void {
  // Output before the first levelled line (an import error, a bad argument) is a failure to start.
  let last: Level = "error";
  return (line: string) => {
    const parsed = parseServerLine(line);
    if (parsed) last = parsed.level;
    sink[last](parsed ? parsed.text : line);
  };
}
