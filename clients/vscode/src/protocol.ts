// The server commands the extension sends and the one object argument of each.
// Pure (no `vscode` import): the protocol test imports these same builders and sends them to
// the real `aurelis serve`, so the extension and the server cannot disagree on names or shapes.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** An LSP Diagnostic as the server published it (passed back to `aurelis.fix` untouched). */
export interface Diagnostic {
  range: Range;
  message: string;
  severity?: number;
  code?: string | number;
  source?: string;
  data?: unknown;
}

export const ServerCommand = {
  search: "aurelis.search",
  reindex: "aurelis.reindex",
  status: "aurelis.status",
  explain: "aurelis.explain",
  generate: "aurelis.generate",
  fix: "aurelis.fix",
  docstring: "aurelis.docstring",
  tests: "aurelis.tests",
  review: "aurelis.review",
  ask: "aurelis.ask",
  plan: "aurelis.plan",
  implement: "aurelis.implement",
  report: "aurelis.report",
} as const;

export type ServerCommandName = (typeof ServerCommand)[keyof typeof ServerCommand];

/** A `workspace/executeCommand` request: the command and its single object argument. */
export interface CommandRequest<A extends object = object> {
  command: ServerCommandName;
  arguments: [A];
}

function request<A extends object>(command: ServerCommandName, arg: A): CommandRequest<A> {
  // Undefined fields are dropped so the server's pydantic model sees only what was given.
  const clean = Object.fromEntries(Object.entries(arg).filter(([, v]) => v !== undefined)) as A;
  return { command, arguments: [clean] };
}

export type SearchMode = "hybrid" | "dense" | "lexical";

export interface SearchOptions {
  k?: number;
  paths?: string[];
  mode?: SearchMode;
}

export function searchRequest(query: string, options: SearchOptions = {}) {
  return request(ServerCommand.search, { query, k: options.k, paths: options.paths, mode: options.mode });
}

export function reindexRequest() {
  return request(ServerCommand.reindex, {});
}

export function statusRequest() {
  return request(ServerCommand.status, {});
}

export function explainRequest(uri: string, range: Range) {
  return request(ServerCommand.explain, { uri, range });
}

/** Generate at a selection (replace/extend it) or at a cursor position (insert). */
export function generateRequest(uri: string, instruction: string, at: { range: Range } | { position: Position }) {
  return request(ServerCommand.generate, { uri, instruction, ...at });
}

export function fixRequest(uri: string, range: Range, diagnostic?: Diagnostic) {
  return request(ServerCommand.fix, { uri, range, diagnostic });
}

export function docstringRequest(uri: string, position: Position) {
  return request(ServerCommand.docstring, { uri, position });
}

export function testsRequest(uri: string, range: Range) {
  return request(ServerCommand.tests, { uri, range });
}

export function reviewRequest(uri: string, range?: Range) {
  return request(ServerCommand.review, { uri, range });
}

export function askRequest(question: string) {
  return request(ServerCommand.ask, { question });
}

/** A plan for a diagnostic's opportunity (`{uri, diagnostic}`) or a report's (`{opportunity}`). */
export function planRequest(target: { uri: string; diagnostic: Diagnostic } | { opportunity: object }) {
  return request(ServerCommand.plan, target);
}

/** Implement a plan (the `plan` object aurelis.plan returned); nothing is applied by the server. */
export function implementRequest(plan: object) {
  return request(ServerCommand.implement, { plan });
}

export function reportRequest(uri?: string, format: "markdown" | "json" | "html" = "markdown") {
  return request(ServerCommand.report, { uri, format });
}

/** Every server command the extension can send. */
export const ALL_SERVER_COMMANDS: readonly ServerCommandName[] = Object.values(ServerCommand);

/** Which of `needed` the server did not advertise in `executeCommandProvider.commands`. */
export function missingCommands(advertised: readonly string[] | undefined, needed = ALL_SERVER_COMMANDS): string[] {
  const have = new Set(advertised ?? []);
  return needed.filter((c) => !have.has(c));
}
