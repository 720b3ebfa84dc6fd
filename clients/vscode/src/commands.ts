// The palette / context-menu commands. Each builds its request with ./protocol (the builders the
// protocol test sends to the real server) and shows the answer.

import * as vscode from "vscode";
import type { AurelisClient } from "./client";
import {
  askRequest,
  CommandRequest,
  Diagnostic,
  docstringRequest,
  explainRequest,
  fixRequest,
  generateRequest,
  reindexRequest,
  reviewRequest,
  searchRequest,
  statusRequest,
  testsRequest,
} from "./protocol";
import { ExtensionCommand } from "./ids";
import { implementPlan, planOpportunity, showReport } from "./aomaas";
import { resultMarkdown, searchItems } from "./views";

export { ExtensionCommand };


export const ANSWER_SCHEME = "aurelis-answer";

/** Read-only virtual documents holding AI answers, shown in the markdown preview. */
export class AnswerDocuments implements vscode.TextDocumentContentProvider {
  private readonly answers = new Map<string, string>();
  private counter = 0;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.answers.get(uri.toString()) ?? "";
  }
  async show(title: string, result: unknown): Promise<void> {
    const uri = vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/${++this.counter}-${title.replace(/\W+/g, "-")}.md` });
    this.answers.set(uri.toString(), resultMarkdown(title, result));
    await vscode.commands.executeCommand("markdown.showPreviewToSide", uri);
  }
}

export interface Context {
  client: AurelisClient;
  answers: AnswerDocuments;
  log: vscode.LogOutputChannel;
  refreshStatus: () => void;
  /** Tell the status bar which provider answered (AI answers carry `provider`). */
  noteProvider: (result: unknown) => void;
}

function editorOrThrow(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new Error("open a file first");
  return editor;
}

function converter(ctx: Context) {
  const c = ctx.client.converter;
  if (!c) throw new Error("the Aurelis language server is not running");
  return c;
}

async function withProgress<R>(ctx: Context, title: string, request: CommandRequest): Promise<R> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Aurelis: ${title}`, cancellable: true },
    (_progress, token) => ctx.client.execute<R>(request, token),
  );
  ctx.noteProvider(result);
  return result;
}

/**
 * Edits reach the editor as workspace/applyEdit from the server, which also says (showMessage)
 * when it could not apply one; here the outcome is logged and a new test file is opened.
 */
async function reportEdit(ctx: Context, title: string, result: unknown): Promise<void> {
  const r = (result ?? {}) as { message?: unknown; applied?: unknown; uri?: unknown };
  ctx.log.info(`${title}: ${r.applied === true ? "applied" : `not applied${typeof r.message === "string" ? `: ${r.message}` : ""}`}`);
  if (title === "tests" && typeof r.uri === "string") {
    if (r.applied === true) await vscode.window.showTextDocument(vscode.Uri.parse(r.uri), { preview: false });
    else if (typeof r.message === "string") void vscode.window.showWarningMessage(`Aurelis: ${r.message}`);
  }
}

async function explain(ctx: Context) {
  const ed = editorOrThrow();
  const req = explainRequest(ed.document.uri.toString(), converter(ctx).asRange(ed.selection));
  await ctx.answers.show("Explanation", await withProgress(ctx, "explaining…", req));
}

async function generate(ctx: Context) {
  const ed = editorOrThrow();
  const instruction = await vscode.window.showInputBox({
    title: "Aurelis: Generate Code",
    prompt: ed.selection.isEmpty ? "What should be inserted at the cursor?" : "What should the selection become?",
    ignoreFocusOut: true,
  });
  if (!instruction) return;
  const c = converter(ctx);
  const at = ed.selection.isEmpty ? { position: c.asPosition(ed.selection.active) } : { range: c.asRange(ed.selection) };
  await reportEdit(ctx, "generate", await withProgress(ctx, "generating…", generateRequest(ed.document.uri.toString(), instruction, at)));
}

async function fix(ctx: Context) {
  const ed = editorOrThrow();
  const c = converter(ctx);
  const here = vscode.languages
    .getDiagnostics(ed.document.uri)
    .filter((d) => d.range.intersection(ed.selection) !== undefined || d.range.contains(ed.selection.active));
  const ours = here.find((d) => d.source?.toLowerCase().startsWith("aurelis")) ?? here[0];
  const range = ed.selection.isEmpty && ours ? ours.range : ed.selection;
  const diagnostic = ours ? (c.asDiagnostic(ours) as Diagnostic) : undefined;
  await reportEdit(ctx, "fix", await withProgress(ctx, "fixing…", fixRequest(ed.document.uri.toString(), c.asRange(range), diagnostic)));
}

async function docstring(ctx: Context) {
  const ed = editorOrThrow();
  const req = docstringRequest(ed.document.uri.toString(), converter(ctx).asPosition(ed.selection.active));
  await reportEdit(ctx, "docstring", await withProgress(ctx, "writing the docstring…", req));
}

async function tests(ctx: Context) {
  const ed = editorOrThrow();
  const req = testsRequest(ed.document.uri.toString(), converter(ctx).asRange(ed.selection));
  await reportEdit(ctx, "tests", await withProgress(ctx, "writing tests…", req));
}

async function review(ctx: Context) {
  const ed = editorOrThrow();
  const range = ed.selection.isEmpty ? undefined : converter(ctx).asRange(ed.selection);
  await ctx.answers.show("Review", await withProgress(ctx, "reviewing…", reviewRequest(ed.document.uri.toString(), range)));
}

async function search(ctx: Context) {
  const query = await vscode.window.showInputBox({ title: "Aurelis: Semantic Search", prompt: "Describe the code you are looking for" });
  if (!query) return;
  const items = searchItems(await withProgress(ctx, "searching…", searchRequest(query)));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Aurelis: nothing found for “${query}”`);
    return;
  }
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { item: (typeof items)[number] }>();
  pick.title = `Aurelis: ${query}`;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, item }));
  const open = async (preview: boolean) => {
    const chosen = pick.activeItems[0]?.item;
    if (!chosen) return;
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(chosen.uri), { preview, preserveFocus: preview });
    // (showTextDocument's `selection` option is a Range: it always puts the cursor at the end)
    editor.selection = hitSelection(chosen.range);
    editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  };
  pick.onDidChangeActive(() => void open(true));
  pick.onDidAccept(async () => {
    await open(false);
    pick.hide();
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

/** The hit highlighted with the cursor at its first line (not at its end, where a plain range puts it). */
function hitSelection(range: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Selection {
  return new vscode.Selection(range.end.line, range.end.character, range.start.line, range.start.character);
}

async function ask(ctx: Context) {
  const question = await vscode.window.showInputBox({ title: "Aurelis: Ask the Workspace", prompt: "Your question about this code base", ignoreFocusOut: true });
  if (!question) return;
  await ctx.answers.show("Answer", await withProgress(ctx, "thinking…", askRequest(question)));
}

async function reindex(ctx: Context) {
  await withProgress(ctx, "reindexing…", reindexRequest());
  ctx.refreshStatus();
}

async function status(ctx: Context) {
  const result = await ctx.client.execute(statusRequest());
  ctx.log.info(`status:\n${JSON.stringify(result, null, 2)}`);
  ctx.log.show(true);
}

async function restart(ctx: Context) {
  await ctx.client.restart();
  ctx.refreshStatus();
}

const HANDLERS: Record<(typeof ExtensionCommand)[keyof typeof ExtensionCommand], (ctx: Context) => Promise<void>> = {
  [ExtensionCommand.explainSelection]: explain,
  [ExtensionCommand.generateCode]: generate,
  [ExtensionCommand.fixWithAI]: fix,
  [ExtensionCommand.writeDocstring]: docstring,
  [ExtensionCommand.writeTests]: tests,
  [ExtensionCommand.reviewCode]: review,
  [ExtensionCommand.semanticSearch]: search,
  [ExtensionCommand.askWorkspace]: ask,
  [ExtensionCommand.reindexWorkspace]: reindex,
  [ExtensionCommand.showStatus]: status,
  [ExtensionCommand.restartServer]: restart,
  [ExtensionCommand.planOpportunity]: planOpportunity,
  [ExtensionCommand.implementPlan]: implementPlan,
  [ExtensionCommand.showReport]: showReport,
};

export function registerCommands(ctx: Context): vscode.Disposable[] {
  return Object.entries(HANDLERS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async () => {
      try {
        await handler(ctx);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        ctx.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Aurelis: ${message}`);
      }
    }),
  );
}
