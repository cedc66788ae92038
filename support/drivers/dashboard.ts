/**
 * Packages made to show well in Quilt's catalog, as each driver makes them.
 * - A dashboard from query results (spec §2.3): a chart Quilt's catalog draws (an ECharts option),
 *   the data it was drawn from (CSV), and a quilt_summarize.json that shows them on the package's
 *   page. The engine draws with ECharts' own option format (support/domain/charts.ts); quilt-mcp
 *   with create_data_visualization, whose files are uploaded and packaged with bucket_objects_put
 *   and package_create, as its own documentation of the tool says.
 * - A package documented with a README and a summary of its files: the engine writes them itself;
 *   quilt-mcp generates them with create_quilt_summary_files (all at once) or with
 *   generate_package_visualizations and generate_quilt_summarize_json (step by step) from what
 *   package_browse answers, and adds them with package_update.
 */
import type { PushResult } from '@quilt-e2e/quilt-js';
import { barChart } from '../domain/charts.js';
import type { PackageOperations } from './driver.js';
import { toolCall, type ToolClient } from './mcp.js';

/** The bar chart wanted: one bar per row, x from `xColumn`, height from `yColumn`. */
export interface DashboardRequest { rows: Record<string, unknown>[]; xColumn: string; yColumn: string; title: string; message: string }

export interface DashboardOperations {
  /** Charts the rows and publishes the chart, its data and a quilt_summarize.json as the package `name`. */
  publishChart(name: string, request: DashboardRequest): Promise<PushResult>;
}

/** How the documentation is made: quilt-mcp's all-in-one tool, or its tools one after the other. */
export type DocumentationWay = 'all at once' | 'step by step';

export interface DocumentationOperations {
  /** Adds a README (this text) and a quilt_summarize.json of the package's files to the package `name`. */
  document(name: string, readme: string, way: DocumentationWay): Promise<PushResult>;
}

/** A file of a dashboard: its name in the package and its text. */
interface DashboardFile { key: string; text: string }

const csvOf = (rows: Record<string, unknown>[], columns: string[]): string =>
  [columns.join(','), ...rows.map((r) => columns.map((c) => String(r[c])).join(','))].join('\n') + '\n';

/** The engine's: the suite's ECharts option, a CSV, and Quilt's quilt_summarize.json listing both. */
export function engineDashboardOperations(packages: PackageOperations): DashboardOperations {
  return {
    async publishChart(name, req) {
      const chart = barChart(req.rows, { plotType: 'bar', xColumn: req.xColumn, yColumn: req.yColumn, title: req.title });
      const stem = `${req.yColumn}_by_${req.xColumn}`;
      const files: DashboardFile[] = [
        { key: `${stem}.echarts.json`, text: JSON.stringify(chart.option, null, 2) },
        { key: `${stem}.csv`, text: csvOf(req.rows, [req.xColumn, req.yColumn]) },
      ];
      // Quilt's format (shared/schemas/quilt_summarize.json): a list of files, each with how to show it.
      const summary = [
        { path: files[0]!.key, title: req.title, description: `Bar chart of ${req.yColumn} per ${req.xColumn}`, types: ['echarts'], expand: true },
        { path: files[1]!.key, title: 'Data' },
      ];
      files.push({ key: 'quilt_summarize.json', text: JSON.stringify(summary, null, 2) });
      return packages.create(name, { message: req.message, entries: files.map((f) => ({ logicalKey: f.key, content: f.text })) });
    },
  };
}

/** The engine's: the README as given, and Quilt's quilt_summarize.json listing each file, titled by its name. */
export function engineDocumentationOperations(packages: PackageOperations): DocumentationOperations {
  return {
    async document(name, readme) {
      const files = (await packages.browse(name)).logicalKeys.filter((k) => k !== 'README.md' && k !== 'quilt_summarize.json');
      const summary = files.map((k) => ({ path: k, title: `File ${k}` }));
      return packages.update(name, { message: 'documented', set: [{ logicalKey: 'README.md', content: readme }, { logicalKey: 'quilt_summarize.json', content: JSON.stringify(summary, null, 2) }] });
    },
  };
}

/** quilt-mcp's: the files as package_browse lists them, summarized by its summary tools, added with package_update. */
export class McpDocumentationOperations implements DocumentationOperations {
  constructor(private readonly client: () => Promise<ToolClient>, private readonly packages: PackageOperations, private readonly bucket: string) {}

  async document(name: string, readme: string, way: DocumentationWay): Promise<PushResult> {
    const rev = await this.packages.browse(name);
    const structure = { '': rev.entries.map((e) => ({ Key: e.logicalKey, Size: e.size })) };
    const described = { package_name: name, package_metadata: (rev.userMeta ?? {}) as object, organized_structure: structure, readme_content: readme, source_info: { type: 'package', bucket: this.bucket } };
    const files: Array<{ logicalKey: string; content: string | Uint8Array }> = [];
    let visualizations: unknown;
    if (way === 'all at once') {
      const b = await toolCall(await this.client(), 'create_quilt_summary_files', described);
      const pkg = (b.summary_package ?? {}) as Record<string, unknown>;
      files.push({ logicalKey: 'README.md', content: String(pkg['README.md'] ?? readme) }, { logicalKey: 'quilt_summarize.json', content: JSON.stringify(pkg['quilt_summarize.json'], null, 2) });
      visualizations = pkg.visualizations;
    } else {
      const types: Record<string, number> = {};
      for (const e of rev.entries) { const ext = e.logicalKey.includes('.') ? e.logicalKey.slice(e.logicalKey.lastIndexOf('.') + 1) : ''; if (ext) types[ext] = (types[ext] ?? 0) + 1; }
      visualizations = await toolCall(await this.client(), 'generate_package_visualizations', { package_name: name, organized_structure: structure, file_types: types });
      const summary = await toolCall(await this.client(), 'generate_quilt_summarize_json', described);
      files.push({ logicalKey: 'README.md', content: readme }, { logicalKey: 'quilt_summarize.json', content: JSON.stringify(summary, null, 2) });
    }
    // The charts the tools drew, as an agent adds them: PNG files at the package's root.
    const charts = ((visualizations as { visualizations?: Record<string, { image_base64?: unknown }> } | undefined)?.visualizations) ?? {};
    for (const [chart, v] of Object.entries(charts)) if (typeof v.image_base64 === 'string') files.push({ logicalKey: `${chart}.png`, content: Buffer.from(v.image_base64, 'base64') });
    return this.packages.update(name, { message: 'documented', set: files });
  }
}

/** quilt-mcp's: create_data_visualization, then its files_to_upload packaged (bucket_objects_put, package_create). */
export class McpDashboardOperations implements DashboardOperations {
  constructor(private readonly client: () => Promise<ToolClient>, private readonly packages: PackageOperations) {}

  async publishChart(name: string, req: DashboardRequest): Promise<PushResult> {
    const viz = await toolCall(await this.client(), 'create_data_visualization', {
      data: req.rows, plot_type: 'bar', x_column: req.xColumn, y_column: req.yColumn, title: req.title,
    });
    const files = (viz.files_to_upload ?? []) as Array<{ key?: unknown; text?: unknown }>;
    if (files.length === 0) throw new Error(`create_data_visualization answered no files_to_upload: ${JSON.stringify(viz).slice(0, 400)}`);
    return this.packages.create(name, { message: req.message, entries: files.map((f) => ({ logicalKey: String(f.key), content: String(f.text) })) });
  }
}
