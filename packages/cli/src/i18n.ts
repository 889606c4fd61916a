/** CLI texts in zh-CN (default where LANG starts with zh) and English. */
export type Lang = 'zh-CN' | 'en';

const EN = {
  'usage.main': `Lingshu (灵枢) — open medical-imaging AI platform

Usage: lingshu <command> [options]

Commands:
  import PATH…   Import DICOM files, folders, DICOMDIR sets and zip archives into the archive
  demo           Write the synthetic demo studies (with ground truth) to a folder
  serve          Start the status page (and import the demo studies on first start)

Global options:
  --lang en|zh-CN   Language of messages (default: from LANG)
  -h, --help        Show help (also: lingshu <command> --help)
  -v, --version     Show the version`,
  'usage.import': `Usage: lingshu import PATH… [options]

Imports files, folders (recursively), DICOMDIR files and zip archives. Files that are not DICOM
are reported and skipped; files the archive rejects are listed with their reasons.

Options:
  --data DIR                     Data directory (default ./.lingshu, or LINGSHU_DATA_DIR)
  --concurrency N                Parallel file reads (default 8)
  --on-duplicate reject|overwrite  What to do with an instance already stored with other content
  --json                         Print the summary as JSON
  --log FILE                     Append one JSON line per instance (status, UIDs or error code)
  --lang en|zh-CN                Language of messages`,
  'usage.demo': `Usage: lingshu demo --out DIR [--seed N] [--small]

Writes the synthetic demo studies (DICOM files and truth.json) to DIR.

Options:
  --out DIR    Output folder (required)
  --seed N     Random seed (default 42)
  --small      Small matrix and few slices (quick; for tests)
  --lang en|zh-CN`,
  'usage.serve': `Usage: lingshu serve [options]

Starts the status page: GET / (HTML), GET /healthz, GET /api/status.
On first start with an empty archive it generates and imports the demo studies.

Options:
  --data DIR        Data directory (default ./.lingshu, or LINGSHU_DATA_DIR)
  --http-port P     HTTP port (default 8042, or LINGSHU_HTTP_PORT; 0 = any free port)
  --host H          Address to listen on (default 127.0.0.1)
  --no-demo         Do not generate demo studies on first start
  --lang en|zh-CN`,
  'error.usage': 'Usage error: {message}',
  'error.config': 'Configuration error: {message}',
  'error.failed': 'Failed ({code}): {message}',
  'error.unknownCommand': 'Unknown command "{command}". Run "lingshu --help".',
  'import.noPaths': 'Give at least one PATH to import',
  'import.discovering': 'Looking for files…',
  'import.found': 'Found {files} files ({mb} MB)',
  'import.progress': '{done}/{total} files, {filesPerSec} files/s, {mbPerSec} MB/s',
  'summary.title': 'Import summary',
  'summary.stored': 'Stored: {patients} patients, {studies} studies, {series} series, {instances} instances',
  'summary.outcomes':
    'Instances: {stored} new, {duplicates} duplicates, {overwritten} overwritten, {rejected} rejected',
  'summary.skipped': 'Skipped {count} files that are not DICOM:',
  'summary.rejected': 'Rejected {count} files:',
  'summary.more': '… and {count} more',
  'summary.speed': 'Elapsed {seconds} s, {instancesPerSec} instances/s, {mbPerSec} MB/s',
  'summary.someRejected': 'Some files were rejected; everything else was imported.',
  'summary.nothing': 'Nothing could be imported.',
  'summary.empty': 'No files found.',
  'demo.outRequired': '--out DIR is required',
  'demo.writing': 'Writing demo studies…',
  'demo.progress': '{done}/{total} studies written',
  'demo.done': 'Wrote {studies} studies, {series} series, {files} files to {out}',
  'serve.listening': 'Lingshu status page at {url}',
  'serve.firstStart': 'Empty archive: generating and importing the demo studies…',
  'serve.demoImported': 'Demo studies imported: {instances} instances',
  'serve.stopping': 'Stopping…',
  'page.title': 'Lingshu status',
  'page.version': 'Version',
  'page.patients': 'Patients',
  'page.studies': 'Studies',
  'page.series': 'Series',
  'page.instances': 'Instances',
  'page.latest': 'Latest studies',
  'page.date': 'Study date',
  'page.modalities': 'Modalities',
  'page.description': 'Description',
  'page.none': 'No studies yet. Import some with: lingshu import PATH',
} as const;

export type MessageKey = keyof typeof EN;

const ZH: Record<MessageKey, string> = {
  'usage.main': `灵枢 Lingshu —— 开放的医学影像 AI 平台

用法: lingshu <命令> [选项]

命令:
  import 路径…   将 DICOM 文件、文件夹、DICOMDIR 和 zip 压缩包导入影像归档
  demo           将合成演示检查（含真值）写入文件夹
  serve          启动状态页（首次启动时导入演示检查）

通用选项:
  --lang en|zh-CN   消息语言（默认取自 LANG）
  -h, --help        显示帮助（也可: lingshu <命令> --help）
  -v, --version     显示版本`,
  'usage.import': `用法: lingshu import 路径… [选项]

导入文件、文件夹（递归）、DICOMDIR 文件和 zip 压缩包。非 DICOM 文件会被报告并跳过；
归档拒收的文件会连同原因一并列出。

选项:
  --data 目录                     数据目录（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --concurrency N                 并行读取的文件数（默认 8）
  --on-duplicate reject|overwrite  已存在但内容不同的实例如何处理
  --json                          以 JSON 输出汇总
  --log 文件                      每个实例追加一行 JSON（状态、UID 或错误码）
  --lang en|zh-CN                 消息语言`,
  'usage.demo': `用法: lingshu demo --out 目录 [--seed N] [--small]

将合成演示检查（DICOM 文件与 truth.json）写入目录。

选项:
  --out 目录   输出文件夹（必填）
  --seed N     随机种子（默认 42）
  --small      小矩阵、少层数（快速，用于测试）
  --lang en|zh-CN`,
  'usage.serve': `用法: lingshu serve [选项]

启动状态页: GET /（HTML）、GET /healthz、GET /api/status。
归档为空时首次启动会生成并导入演示检查。

选项:
  --data 目录       数据目录（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --http-port P     HTTP 端口（默认 8042，或 LINGSHU_HTTP_PORT；0 表示任一空闲端口）
  --host H          监听地址（默认 127.0.0.1）
  --no-demo         首次启动时不生成演示检查
  --lang en|zh-CN`,
  'error.usage': '用法错误: {message}',
  'error.config': '配置错误: {message}',
  'error.failed': '失败（{code}）: {message}',
  'error.unknownCommand': '未知命令 "{command}"。请运行 "lingshu --help"。',
  'import.noPaths': '请至少给出一个要导入的路径',
  'import.discovering': '正在查找文件…',
  'import.found': '找到 {files} 个文件（{mb} MB）',
  'import.progress': '{done}/{total} 个文件，{filesPerSec} 文件/秒，{mbPerSec} MB/秒',
  'summary.title': '导入汇总',
  'summary.stored': '新增: {patients} 位患者，{studies} 个检查，{series} 个序列，{instances} 个实例',
  'summary.outcomes': '实例: 新增 {stored}，重复 {duplicates}，覆盖 {overwritten}，拒收 {rejected}',
  'summary.skipped': '跳过 {count} 个非 DICOM 文件:',
  'summary.rejected': '拒收 {count} 个文件:',
  'summary.more': '…… 另有 {count} 个',
  'summary.speed': '用时 {seconds} 秒，{instancesPerSec} 实例/秒，{mbPerSec} MB/秒',
  'summary.someRejected': '部分文件被拒收；其余文件均已导入。',
  'summary.nothing': '没有任何文件能够导入。',
  'summary.empty': '未找到文件。',
  'demo.outRequired': '必须给出 --out 目录',
  'demo.writing': '正在写入演示检查…',
  'demo.progress': '已写入 {done}/{total} 个检查',
  'demo.done': '已写入 {studies} 个检查、{series} 个序列、{files} 个文件到 {out}',
  'serve.listening': '灵枢状态页: {url}',
  'serve.firstStart': '归档为空: 正在生成并导入演示检查…',
  'serve.demoImported': '演示检查已导入: {instances} 个实例',
  'serve.stopping': '正在停止…',
  'page.title': '灵枢状态',
  'page.version': '版本',
  'page.patients': '患者',
  'page.studies': '检查',
  'page.series': '序列',
  'page.instances': '实例',
  'page.latest': '最新检查',
  'page.date': '检查日期',
  'page.modalities': '模态',
  'page.description': '描述',
  'page.none': '暂无检查。可用以下命令导入: lingshu import 路径',
};

export function isLang(value: string): value is Lang {
  return value === 'zh-CN' || value === 'en';
}

/** zh-CN when the locale (LANG / LC_ALL) starts with zh, else English. */
export function langFromEnv(env: NodeJS.ProcessEnv): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const table: Record<MessageKey, string> = lang === 'zh-CN' ? ZH : EN;
  return (key, params = {}) => table[key].replace(/\{(\w+)\}/g, (m, name: string) => String(params[name] ?? m));
}
