// Turning server answers into what the UI shows: status-bar text, QuickPick items, markdown.
// Pure and tolerant: a field the server does not send is left out, never a crash.

import { pathToFileURL } from "node:url";
import type { Range } from "./protocol";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

// -- status bar ---------------------------------------------------------------------------------

export interface Progress {
  title?: string;
  message?: string;
  percentage?: number;
}

export interface StatusView {
  text: string;
  tooltip: string;
  busy: boolean;
}

/** The index part of `aurelis.status`: `{state, files_done?, files_total?, chunks?}` or a folder list. */
function indexSummary(index: unknown): { state?: string; done?: number; total?: number; chunks?: number } {
  if (Array.isArray(index)) {
    // one entry per workspace folder: busy if any is busy, counts summed
    const parts = index.map(indexSummary);
    const busy = parts.find((p) => p.state && !["ready", "idle", "disabled"].includes(p.state));
    const sum = (k: "done" | "total" | "chunks") =>
      parts.some((p) => p[k] !== undefined) ? parts.reduce((a, p) => a + (p[k] ?? 0), 0) : undefined;
    return { state: busy?.state ?? parts[0]?.state, done: sum("done"), total: sum("total"), chunks: sum("chunks") };
  }
  if (!isObj(index)) return {};
  return {
    state: str(index.state) ?? str(index.status),
    done: num(index.files_done) ?? num(index.done),
    total: num(index.files_total) ?? num(index.total),
    chunks: num(index.chunks),
  };
}

function providerName(ai: unknown): string | undefined {
  if (!isObj(ai)) return undefined;
  if (str(ai.provider)) return str(ai.provider);
  if (isObj(ai.provider)) return str(ai.provider.name);
  if (Array.isArray(ai.providers) && ai.providers.length > 0) {
    const first = ai.providers[0];
    return isObj(first) ? str(first.name) : str(first);
  }
  return undefined;
}

/**
 * Status-bar text from the last `aurelis.status` answer, the running work-done progress (if any)
 * and the provider named in the settings (`aurelis.status` reports the index only).
 */
export function statusView(status: unknown, progress?: Progress, serverState = "running", configuredProvider?: string): StatusView {
  if (serverState !== "running") {
    return { text: `$(circle-slash) Aurelis: ${serverState}`, tooltip: `Aurelis language server ${serverState}`, busy: false };
  }
  const s = isObj(status) ? status : {};
  const index = typeof s.state === "string" ? indexSummary(s) : indexSummary(s.index ?? s.folders);
  const provider = providerName(s.ai) ?? str(s.provider) ?? configuredProvider;
  const tooltip: string[] = [];
  let text: string;
  let busy = false;
  if (progress) {
    busy = true;
    const pct = num(progress.percentage);
    const title = (progress.title ?? "working").replace(/^Aurelis:\s*/, "");
    text = `$(sync~spin) Aurelis: ${title}${pct !== undefined ? ` ${Math.round(pct)}%` : ""}`;
    if (progress.message) tooltip.push(progress.message);
  } else if (index.state && !["ready", "idle", "disabled"].includes(index.state)) {
    busy = true;
    const counts = index.total ? ` ${index.done ?? 0}/${index.total}` : "";
    text = `$(sync~spin) Aurelis: ${index.state}${counts}`;
  } else {
    text = `$(check) Aurelis${index.state ? `: ${index.state}` : ""}`;
  }
  if (index.state) tooltip.push(`Index: ${index.state}${index.chunks !== undefined ? `, ${index.chunks} chunks` : ""}`);
  if (provider) {
    text += ` · ${provider}`;
    tooltip.push(`AI provider: ${provider}`);
  } else {
    tooltip.push("AI provider: none configured");
  }
  tooltip.push("Click for the full status");
  return { text, tooltip: tooltip.join("\n"), busy };
}

// -- semantic search ----------------------------------------------------------------------------

export interface SearchItem {
  label: string;
  description: string;
  detail: string;
  uri: string;
  range: Range;
}

function hitRange(hit: Obj): Range {
  if (isObj(hit.range) && isObj(hit.range.start) && isObj(hit.range.end)) return hit.range as unknown as Range;
  // 1-based inclusive line numbers, as the CLI prints them
  const start = Math.max(0, (num(hit.start_line) ?? num(hit.line) ?? 1) - 1);
  const end = Math.max(start, (num(hit.end_line) ?? start + 1) - 1);
  return { start: { line: start, character: 0 }, end: { line: end, character: 0 } };
}

function hitUri(hit: Obj): string | undefined {
  const uri = str(hit.uri);
  if (uri) return uri;
  const p = str(hit.path);
  if (!p) return undefined;
  return pathToFileURL(p).href;
}

/** `aurelis.search` hits (a list, or `{results: [...]}`) as QuickPick items, best first, ranked. */
export function searchItems(result: unknown): SearchItem[] {
  const hits = Array.isArray(result) ? result : isObj(result) && Array.isArray(result.results) ? result.results : [];
  const items: SearchItem[] = [];
  for (const hit of hits) {
    if (!isObj(hit)) continue;
    const uri = hitUri(hit);
    if (!uri) continue;
    const range = hitRange(hit);
    const file = decodeURIComponent(uri.split("/").pop() ?? uri);
    const name = str(hit.name) ?? str(hit.symbol) ?? str(hit.qualname);
    const preview = (str(hit.preview) ?? str(hit.text) ?? str(hit.snippet) ?? "").split("\n").map((l) => l.trim()).filter(Boolean).slice(0, 3).join(" ⏎ ");
    // The rank, not the score: fused (reciprocal-rank) scores are ~0.03 for every hit and mean
    // nothing to a reader; the order is the ranking.
    const rank = `#${items.length + 1}`;
    items.push({
      label: name ?? `${file}:${range.start.line + 1}`,
      description: `${name ? `${file}:${range.start.line + 1}  ` : ""}${rank}`,
      detail: preview,
      uri,
      range,
    });
  }
  return items;
}

// -- markdown answers ---------------------------------------------------------------------------

const TEXT_KEYS = ["markdown", "explanation", "answer", "review", "text", "content", "message"];

/** A cited location as a link the markdown preview opens at the line (`#L<n>`, 1-based). */
function sourceLink(source: unknown): string | undefined {
  if (!isObj(source)) return str(source);
  const uri = str(source.uri) ?? str(source.path);
  if (!uri) return undefined;
  const range = isObj(source.range) && isObj(source.range.start) ? source.range.start : undefined;
  const line = range ? num(range.line) : undefined;
  const name = decodeURIComponent(uri.split("/").pop() ?? uri);
  return line === undefined ? `[${name}](${uri})` : `[${name}:${line + 1}](${uri}#L${line + 1})`;
}

/** The markdown to show for an AI command's answer (explain, review, ask). */
export function resultMarkdown(title: string, result: unknown): string {
  let body: string | undefined = str(result);
  if (body === undefined && isObj(result)) {
    for (const k of TEXT_KEYS) {
      body = str(result[k]);
      if (body !== undefined) break;
    }
    if (body !== undefined && Array.isArray(result.sources) && result.sources.length > 0) {
      const refs = result.sources.map(sourceLink).filter((r): r is string => r !== undefined);
      if (refs.length) body += "\n\n**Sources**\n\n" + refs.map((r) => `- ${r}`).join("\n");
    }
  }
  if (body === undefined) body = "```json\n" + JSON.stringify(result ?? null, null, 2) + "\n```";
  return `# ${title}\n\n${body}\n`;
}

/** The AI provider the settings name first (`aurelis.ai.providers[0].name`), if AI is on. */
export function configuredProvider(aiSection: unknown): string | undefined {
  if (!isObj(aiSection) || aiSection.enabled === false) return undefined;
  return providerName({ providers: aiSection.providers });
}

/** The provider an AI answer names (`{provider: "local", ...}`), if any. */
export function answerProvider(result: unknown): string | undefined {
  return isObj(result) ? str(result.provider) : undefined;
}
