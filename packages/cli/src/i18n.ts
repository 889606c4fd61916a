/** CLI texts in zh-CN (default where LANG starts with zh) and English. */
export type Lang = 'zh-CN' | 'en';

const EN = {
  'usage.main': `Lingshu (灵枢) — open medical-imaging AI platform

Usage: lingshu <command> [options]

Commands:
  import PATH…   Import DICOM files, folders, DICOMDIR sets and zip archives into the archive
  demo           Write the synthetic demo studies (with ground truth) to a folder
  serve          Start the server: DICOMweb, DICOM, status page (demo studies on first start)
  analyze PATH   Run the chest CT AI on a study (folder, zip or stored Study UID); write JSON, SR, SEG
  eval           Evaluate the chest CT AI on generated phantom scans with ground truth

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

Starts the server: DICOMweb (QIDO-RS, WADO-RS, STOW-RS) under /dicomweb, a DICOM listener
(C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET), the status page (GET /, /api/status), /healthz and /readyz.
On first start with an empty archive it generates and imports the demo studies.
Settings: flags > environment (LINGSHU_*, DATABASE_URL) > JSON config file > defaults.

Options:
  --data DIR        Data directory (default ./.lingshu, or LINGSHU_DATA_DIR)
  --http-port P     HTTP port (default 8042, or LINGSHU_HTTP_PORT; 0 = any free port)
  --dicom-port P    DICOM port (default 11112, or LINGSHU_DICOM_PORT; off = no DICOM listener)
  --ae-title AE     Our AE title (default LINGSHU, or LINGSHU_AE_TITLE)
  --host H          Address to listen on (default 127.0.0.1, or LINGSHU_HOST)
  --config FILE     JSON configuration file (or LINGSHU_CONFIG)
  --no-demo         Do not generate demo studies on first start
  --lang en|zh-CN`,
  'usage.analyze': `Usage: lingshu analyze PATH|STUDY_UID [options]

Runs the chest CT analyzer (lungs, nodules, emphysema, infection) on one study: a folder of DICOM
files, a zip archive or DICOMDIR of one study, or the Study Instance UID of a stored study. Prints
the findings and writes result.json, sr.dcm (TID 1500) and seg.dcm into the output folder.
Exit 1 when the input cannot be analysed (not CT, too few slices, no DICOM) with the reason.

Options:
  --out DIR         Output folder (default ./lingshu-analysis-<short id>)
  --json            Print the result as JSON
  --data DIR        Archive to look a Study UID up in (default ./.lingshu, or LINGSHU_DATA_DIR)
  --age N, --sex F|M  Facts the images cannot give (Brock); otherwise the result says they were assumed
  --lang en|zh-CN   Language of messages and of the findings summary`,
  'usage.eval': `Usage: lingshu eval [--phantoms N] [--seed S] [--matrix M] [--quick] [--json]

Generates N phantom chest CT scans (seeds S…S+N−1) across slice thicknesses (0.625–5 mm), standard
and low dose, kernels, nodule types, sizes (3–30 mm), shapes and attachments, emphysema and
infection; analyses each through DICOM in memory; prints sensitivity by type and size, false
positives per scan, FROC, volume/diameter error, Lung-RADS agreement, LAA-950 and infection error,
runtime and peak memory.

Seeds 1–100 are the tuning range; figures to report come from held-out seeds ≥ 1000.

Options:
  --phantoms N   Number of scans (default 10)
  --seed S       First seed (default 1000)
  --matrix M     Image matrix (default 512; 256 with --quick)
  --quick        256² matrix and 1.25–5 mm slices only
  --json         Print a machine-readable record (metrics and every scan)
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
  'serve.listening': 'Lingshu server at {url}',
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
  'analyze.onePath': 'Give exactly one PATH (a folder, zip or DICOMDIR of one study) or a stored Study Instance UID',
  'analyze.noSuchPath': 'The path does not exist',
  'analyze.read': 'Read {instances} images in {series} series ({skipped} files skipped)',
  'analyze.running': 'Analysing',
  'analyze.notApplicable': 'Not applicable ({code}): {reason}',
  'analyze.series': 'Series: {why}',
  'analyze.noFindings': 'No findings.',
  'analyze.warning': 'Warning ({code}): {message}',
  'analyze.wrote': 'Wrote {files} file(s) to {out}',
  'analyze.notWritten': 'Not written: {file}: {message}',
  'analyze.col.n': '#',
  'analyze.col.type': 'Finding',
  'analyze.col.location': 'Location',
  'analyze.col.size': 'Size',
  'analyze.col.category': 'Category',
  'analyze.col.confidence': 'Confidence',
  'eval.running': 'Evaluating',
  'eval.tuningSeeds': 'Note: seeds 1–100 are the tuning range; report figures from held-out seeds ≥ 1000.',
} as const;

export type MessageKey = keyof typeof EN;

const ZH: Record<MessageKey, string> = {
  'usage.main': `灵枢 Lingshu —— 开放的医学影像 AI 平台

用法: lingshu <命令> [选项]

命令:
  import 路径…   将 DICOM 文件、文件夹、DICOMDIR 和 zip 压缩包导入影像归档
  demo           将合成演示检查（含真值）写入文件夹
  serve          启动服务: DICOMweb、DICOM、状态页（首次启动时导入演示检查）
  analyze 路径   对一个检查（文件夹、zip 或已存储的 Study UID）运行胸部 CT AI；输出 JSON、SR、SEG
  eval           在带真值的合成体模扫描上评估胸部 CT AI

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

启动服务: /dicomweb 下的 DICOMweb（QIDO-RS、WADO-RS、STOW-RS）、DICOM 监听
（C-ECHO、C-STORE、C-FIND、C-MOVE、C-GET）、状态页（GET /、/api/status）、/healthz 与 /readyz。
归档为空时首次启动会生成并导入演示检查。
设置优先级: 命令行参数 > 环境变量（LINGSHU_*、DATABASE_URL）> JSON 配置文件 > 默认值。

选项:
  --data 目录       数据目录（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --http-port P     HTTP 端口（默认 8042，或 LINGSHU_HTTP_PORT；0 表示任一空闲端口）
  --dicom-port P    DICOM 端口（默认 11112，或 LINGSHU_DICOM_PORT；off 表示不监听 DICOM）
  --ae-title AE     本机 AE 名称（默认 LINGSHU，或 LINGSHU_AE_TITLE）
  --host H          监听地址（默认 127.0.0.1，或 LINGSHU_HOST）
  --config 文件     JSON 配置文件（或 LINGSHU_CONFIG）
  --no-demo         首次启动时不生成演示检查
  --lang en|zh-CN`,
  'usage.analyze': `用法: lingshu analyze 路径|STUDY_UID [选项]

对一个检查运行胸部 CT 分析（肺、结节、肺气肿、感染）：DICOM 文件夹、单个检查的 zip 或 DICOMDIR，
或已存储检查的 Study Instance UID。打印发现，并在输出文件夹写入 result.json、sr.dcm（TID 1500）
和 seg.dcm。输入无法分析（非 CT、层数过少、无 DICOM）时以退出码 1 结束并说明原因。

选项:
  --out 目录        输出文件夹（默认 ./lingshu-analysis-<短标识>）
  --json            以 JSON 输出结果
  --data 目录       查找 Study UID 的归档（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --age N, --sex F|M  图像无法提供的信息（Brock 模型）；未给出时结果会注明为假设值
  --lang en|zh-CN   消息与发现摘要的语言`,
  'usage.eval': `用法: lingshu eval [--phantoms N] [--seed S] [--matrix M] [--quick] [--json]

生成 N 例合成胸部 CT 体模（种子 S…S+N−1），覆盖层厚（0.625–5 mm）、常规与低剂量、重建核、
结节类型、大小（3–30 mm）、形态与位置、肺气肿和感染；每例经内存中的 DICOM 分析，输出按类型和
大小的敏感度、每例假阳性、FROC、体积/直径误差、Lung-RADS 一致率、LAA-950 与感染比例误差、
运行时间和峰值内存。

种子 1–100 为调参范围；对外报告的数字取自未参与调参的种子（≥ 1000）。

选项:
  --phantoms N   扫描例数（默认 10）
  --seed S       起始种子（默认 1000）
  --matrix M     图像矩阵（默认 512；--quick 时 256）
  --quick        256² 矩阵，仅 1.25–5 mm 层厚
  --json         输出机器可读记录（指标及每例结果）
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
  'serve.listening': '灵枢服务: {url}',
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
  'analyze.onePath': '请给出一个路径（单个检查的文件夹、zip 或 DICOMDIR）或已存储的 Study Instance UID',
  'analyze.noSuchPath': '路径不存在',
  'analyze.read': '已读取 {series} 个序列中的 {instances} 幅图像（跳过 {skipped} 个文件）',
  'analyze.running': '正在分析',
  'analyze.notApplicable': '不适用（{code}）: {reason}',
  'analyze.series': '序列: {why}',
  'analyze.noFindings': '未见发现。',
  'analyze.warning': '警告（{code}）: {message}',
  'analyze.wrote': '已写入 {files} 个文件到 {out}',
  'analyze.notWritten': '未写入: {file}: {message}',
  'analyze.col.n': '#',
  'analyze.col.type': '发现',
  'analyze.col.location': '位置',
  'analyze.col.size': '大小',
  'analyze.col.category': '分类',
  'analyze.col.confidence': '置信度',
  'eval.running': '正在评估',
  'eval.tuningSeeds': '注意: 种子 1–100 为调参范围；对外报告请使用未参与调参的种子（≥ 1000）。',
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
