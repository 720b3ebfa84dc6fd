// Command ids the extension contributes (pure, so tests can check them against package.json).

/** Extension command ids; distinct from the server's (`aurelis.explain` …), which the client registers itself. */
export const ExtensionCommand = {
  explainSelection: "aurelis.explainSelection",
  generateCode: "aurelis.generateCode",
  fixWithAI: "aurelis.fixWithAI",
  writeDocstring: "aurelis.writeDocstring",
  writeTests: "aurelis.writeTests",
  reviewCode: "aurelis.reviewCode",
  semanticSearch: "aurelis.semanticSearch",
  askWorkspace: "aurelis.askWorkspace",
  reindexWorkspace: "aurelis.reindexWorkspace",
  showStatus: "aurelis.showStatus",
  restartServer: "aurelis.restartServer",
  planOpportunity: "aurelis.planOpportunity",
  implementPlan: "aurelis.implementPlan",
  showReport: "aurelis.showReport",
} as const;
