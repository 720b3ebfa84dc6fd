// Plan / implement / report (the AOMaaS loop). Own module so the palette commands stay small:
// the server plans, implements and verifies; here the answer is shown, and an implementation is
// applied only after the user has seen its diff and said so.

import * as vscode from "vscode";
import type { WorkspaceEdit as LspWorkspaceEdit } from "vscode-languageclient";
import type { Context } from "./commands";
import { Diagnostic, implementRequest, planRequest, reportRequest } from "./protocol";

const LARGE = new Set(["AUR410", "AUR405", "AUR403", "AUR406", "AUR411"]);

interface PlanResult {
  markdown: string;
  plan: object;
}

interface ImplementResult {
  markdown?: string;
  verified: boolean;
  message?: string;
  diff?: string;
  edit?: unknown;
  files?: string[];
}

let lastPlan: object | undefined;

function run<R>(ctx: Context, title: string, request: Parameters<Context["client"]["execute"]>[0]): Thenable<R> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Aurelis: ${title}`, cancellable: true },
    (_progress, token) => ctx.client.execute<R>(request, token),
  );
}

export async function planOpportunity(ctx: Context): Promise<void> {
  const ed = vscode.window.activeTextEditor;
  if (!ed) throw new Error("open a file first");
  const c = ctx.client.converter;
  if (!c) throw new Error("the Aurelis language server is not running");
  const here = vscode.languages
    .getDiagnostics(ed.document.uri)
    .find((d) => d.source === "aurelis" && LARGE.has(String(typeof d.code === "object" ? d.code.value : d.code)) && d.range.start.line === ed.selection.active.line);
  if (!here) throw new Error("no large opportunity (duplicate, long/complex function, dead code) on this line");
  const result = await run<PlanResult>(ctx, "planning…", planRequest({ uri: ed.document.uri.toString(), diagnostic: c.asDiagnostic(here) as Diagnostic }));
  lastPlan = result.plan;
  await ctx.answers.show("Plan", result);
}

export async function implementPlan(ctx: Context): Promise<void> {
  if (!lastPlan) throw new Error("run “Aurelis: Plan Opportunity” first");
  const result = await run<ImplementResult>(ctx, "implementing…", implementRequest(lastPlan));
  if (result.diff === undefined) {
    void vscode.window.showWarningMessage(result.message ?? "Aurelis: no implementation");
    return;
  }
  await ctx.answers.show("Implementation", { markdown: `${result.message ?? ""}\n\n\`\`\`diff\n${result.diff}\n\`\`\`` });
  if (!result.verified || !result.edit) return; // the server said what failed; the diff is shown
  const choice = await vscode.window.showInformationMessage(
    `${result.message ?? "Verified."} Apply it to ${(result.files ?? []).length} file(s)?`,
    { modal: true },
    "Apply",
  );
  if (choice !== "Apply") return;
  const p = ctx.client.toCode;
  if (!p) throw new Error("the Aurelis language server is not running");
  const edit = await p.asWorkspaceEdit(result.edit as LspWorkspaceEdit);
  await vscode.workspace.applyEdit(edit);
}

export async function showReport(ctx: Context): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri.toString() ?? vscode.workspace.workspaceFolders?.[0]?.uri.toString();
  const result = await run<{ text: string }>(ctx, "ranking opportunities…", reportRequest(uri));
  await ctx.answers.show("Opportunities", { markdown: result.text });
}
