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
  audit verify|export  Check the audit trail's hash chain; export audit events as JSON lines
  worker         Run AI workers on the shared job queue (scale-out)
  rules          AI routing rules: list, show, set, dry-run
  user           User accounts: add, list, passwd, disable, enable, unlock
  token create   Create an API token (printed once)
  institution    Institutions of the network (医联体): add, list, update

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
  --institution CODE             Institution new studies belong to (default: the 'default' hub)
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
  'usage.audit': `Usage: lingshu audit verify|export [options]

verify   Recompute the audit trail's hash chain; exit 0 when intact, 1 naming the first broken event
export   Write audit events as JSON lines (stdout, or --out FILE with a progress bar)
Settings as for "lingshu serve": flags > environment (LINGSHU_*, DATABASE_URL) > config file.

Options:
  --data DIR        Data directory (default ./.lingshu, or LINGSHU_DATA_DIR)
  --config FILE     JSON configuration file (or LINGSHU_CONFIG)
  --from ISO        Export events at or after this time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z)
  --to ISO          Export events before this time
  --user U          Only events of this login name or user id
  --patient ID      Only events about this patient ID
  --action A        Only this action (login, query, read, write, export, share, …)
  --out FILE        Write to FILE (must not exist) instead of stdout
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
  'import.foreignStudy':
    '{count} instances belong to studies owned by another institution: stored there, owner unchanged',
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
  'audit.usage': 'Use "lingshu audit verify" or "lingshu audit export"',
  'audit.intact': '{events} events, chain intact (head #{seq} {hash})',
  'audit.broken': 'audit chain broken at event {seq}: {reason} ({events} events before it verified)',
  'audit.reason.hash': 'hash mismatch (the event was changed)',
  'audit.reason.prevHash': 'prev_hash mismatch (the link to the previous event was changed)',
  'audit.reason.gap': 'event missing (deleted)',
  'audit.exported': 'Exported {events} audit events to {out}',
  'audit.progress': '{done}/{total} audit events exported',
  'usage.worker': `Usage: lingshu worker [options]

Runs AI workers that take analysis jobs from the shared queue (PostgreSQL via DATABASE_URL) and
store results into the shared archive (same data directory and database as the servers).
Stops on SIGINT/SIGTERM after the running analyses finish.

Options:
  --concurrency N            Jobs analysed at the same time (default 1)
  --analyzers-module PATH    Extra analyzers: a JS/TS module exporting \`analyzers: Analyzer[]\`
  --data DIR                 Data directory (default ./.lingshu, or LINGSHU_DATA_DIR)
  --config FILE              JSON configuration file
  --lang en|zh-CN`,
  'worker.ready': 'AI worker ready (pid {pid}): {concurrency} concurrent jobs; analyzers: {analyzers}',
  'worker.stopping': 'Stopping the AI worker after the running jobs…',
  'usage.rules': `Usage: lingshu rules list|show ID|set FILE|dry-run STUDY_UID [options]

AI routing rules: which analyzers a stored study gets (see docs/orchestration.md).

Commands:
  list               The rules in order (id, enabled, priority, analyzers, name)
  show ID            One rule as JSON
  set FILE           Replace all rules with the JSON list in FILE (validated first)
  dry-run STUDY_UID  Which analyzers the study would get, and why

Options:
  --data DIR    Data directory (default ./.lingshu, or LINGSHU_DATA_DIR)
  --config FILE JSON configuration file
  --json        Print JSON
  --lang en|zh-CN`,
  'usage.institution': `Usage: lingshu institution add|list|update [options]

The institutions of the hospital network (医联体): the hub hospital and primary-care sites.
Studies belong to the institution that sent them (see docs/institutions.md).

Commands:
  add      --code C --name N [--name-en E] [--kind hub|primary] [--hub CODE] [--ae AE1,AE2]
  list     Code, kind, hub, names and calling AE titles
  update   --code C and the fields to change (--hub '' removes the hub; --ae replaces the list)

Options:
  --data DIR    Data directory (default ./.lingshu, or LINGSHU_DATA_DIR)
  --config FILE JSON configuration file
  --json        Print JSON
  --lang en|zh-CN`,
  'institution.header': 'CODE         KIND     HUB          NAME [AE TITLES]',
  'institution.added': 'Institution {code} added.',
  'institution.updated': 'Institution {code} updated.',
  'institution.unknown': 'No institution has the code {code}',
  'institution.badKind': '--kind must be hub or primary',
  'institution.needCodeName': 'Give --code and --name',
  'institution.needCode': 'Give --code of the institution to update',
  'institution.unknownCommand': 'Use: lingshu institution add|list|update',
  'rules.none': 'No routing rules.',
  'rules.notFound': 'No rule has this id.',
  'rules.saved': '{count} rules saved.',
  'rules.noMatch': 'No analyzer would run on this study.',
  'rules.match': 'Analyzer {analyzer} (rule {rule}, priority {priority})',
  'rules.matched': 'matched',
  'rules.notMatched': 'not matched',
  'rules.disabled': 'disabled',
  'page.title': 'Lingshu status',
  'page.version': 'Version',
  'page.patients': 'Patients',
  'page.studies': 'Studies',
  'page.series': 'Series',
  'page.instances': 'Instances',
  'page.signIn':
    'Studies are shown only after login (DICOMweb at /dicomweb and the REST API at /api need credentials; see docs/security.md).',
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
  'usage.user': `Usage: lingshu user add|list|passwd|disable|enable|unlock [USERNAME] [options]

User accounts of the server (same data directory / DATABASE_URL as lingshu serve).

  user add --username U --role R [--institution CODE] [--display-name N] [--password-stdin]
  user list [--json]
  user passwd U [--password-stdin]
  user disable U | user enable U | user unlock U

Roles: admin, radiologist, resident, technician, referring, qc, researcher. Without --institution
admin and qc are network-wide, other roles belong to the default hospital. The password is asked
without echo (twice), or read from the first line of stdin with --password-stdin; it is never a
command-line argument. Policy: at least 10 characters, 3 of lower/upper/digit/other, not the user name.

Options:
  --data DIR      Data directory (default ./.lingshu, or LINGSHU_DATA_DIR)
  --config FILE   JSON configuration file (or LINGSHU_CONFIG)
  --lang en|zh-CN`,
  'usage.token': `Usage: lingshu token create --user U --name N [--scope p,…] [--expires-days D] [options]

Creates an API token for user U and prints it once on stdout (only its hash is stored). Use it as
"Authorization: Bearer <token>". --scope limits it to some of the user's permissions
(e.g. study:read); --expires-days makes it expire.

Options:
  --data DIR      Data directory (default ./.lingshu, or LINGSHU_DATA_DIR)
  --config FILE   JSON configuration file (or LINGSHU_CONFIG)
  --lang en|zh-CN`,
  'user.passwordPrompt': 'New password:',
  'user.passwordAgain': 'Repeat the password:',
  'user.passwordMismatch': 'The two passwords differ',
  'user.needName': 'Give the user name',
  'user.notFound': 'No user has this user name',
  'user.addNeeds': 'user add needs --username and --role',
  'user.badRole': 'The role must be one of {roles}',
  'user.added': 'User {username} added (role {role}, institution {institution})',
  'user.none': 'No users yet.',
  'user.disabled': 'disabled',
  'user.locked': 'locked',
  'user.active': 'active',
  'user.passwordSet': 'Password of {username} set; their sessions were ended',
  'user.disabledDone': 'User {username} disabled; their sessions were ended',
  'user.enabledDone': 'User {username} enabled',
  'user.unlocked': 'User {username} unlocked',
  'token.needs': 'token create needs --user and --name',
  'token.badDays': '--expires-days must be a whole number of days',
  'token.created': 'Token "{name}" (id {id}) for {username}: shown once, store it now',
  'eval.report.title':
    'Lingshu chest CT evaluation: {scans} phantom scans (seeds {first}–{last}, {range}), matrix {matrix}',
  'eval.report.heldOut': 'held out',
  'eval.report.tuning': 'TUNING RANGE — not a held-out figure',
  'eval.report.analysed': 'Analysed {analysed}/{scans}; {nodules} truth nodules.',
  'eval.report.notAnalysed': '  seed {seed}: {status}{reason}',
  'eval.report.detection': 'Detection (every detection kept):',
  'eval.report.col.group': 'group',
  'eval.report.col.sensitivity': 'sensitivity',
  'eval.report.all': 'all',
  'eval.report.col.diameter': 'mean diameter (mm)',
  'eval.report.col.site': 'site',
  'eval.report.col.slice': 'slice (mm)',
  'eval.report.falsePositives': 'False positives per scan: {fp} (duplicate detections per scan: {duplicates})',
  'eval.report.froc': 'FROC (sensitivity at FP/scan):',
  'eval.report.col.fpPerScan': 'FP/scan',
  'eval.report.col.threshold': 'threshold',
  'eval.report.atOneFp': 'At ≤ 1 FP/scan (threshold {threshold}, {fp} FP/scan):',
  'eval.report.noThreshold': 'none',
  'eval.report.solid': '  solid/part-solid ≥ 5 mm: {rate}   (target ≥ 95 %)',
  'eval.report.ggn': '  ground-glass ≥ 6 mm:     {rate}   (target ≥ 85 %)',
  'eval.report.missed': '  missed, by reason: solid/part-solid {solid}; ground-glass {ggn}',
  'eval.report.errors': 'Measurement errors (found nodules ≥ 6 mm; lungs: measured − truth):',
  'eval.report.col.figure': 'figure',
  'eval.report.col.median': 'median',
  'eval.report.col.medianAbs': 'median |e|',
  'eval.report.col.p95Abs': 'p95 |e|',
  'eval.report.col.maxAbs': 'max |e|',
  'eval.report.row.volume': 'volume (%)',
  'eval.report.row.diameter': 'mean diameter (mm)',
  'eval.report.row.laa950': 'LAA-950 (pp)',
  'eval.report.row.infection': 'infection (pp)',
  'eval.report.lungRads': 'Lung-RADS category agreement (found nodules with both categories): {rate}',
  'eval.report.runtime': 'Runtime per scan (analyzer only): median {median} s, max {max} s; peak RSS {rss} MB',
  'eval.tuningSeeds':
    'Note: seeds 1–999 are the tuning range (the nodule ranker is fitted on them); report figures from held-out seeds ≥ 1000.',
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
  audit verify|export  校验审计日志哈希链；以 JSON Lines 导出审计事件
  worker         在共享任务队列上运行 AI 工作进程（横向扩展）
  rules          AI 路由规则: 列出、查看、设置、试运行
  user           用户账号: 添加、列出、改密码、停用、启用、解锁
  token create   创建 API 令牌（仅显示一次）
  institution    医联体机构: 添加、列出、更新

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
  --institution 代码              新检查所属的机构（默认: default 中心医院）
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
  'usage.audit': `用法: lingshu audit verify|export [选项]

verify   重新计算审计日志的哈希链；完整时退出码 0，断开时退出码 1 并指出第一条出错的记录
export   以 JSON Lines 导出审计事件（输出到标准输出，或用 --out FILE 写入文件并显示进度条）
配置方式同 "lingshu serve"：命令行参数 > 环境变量（LINGSHU_*、DATABASE_URL）> 配置文件。

选项:
  --data DIR        数据目录（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --config FILE     JSON 配置文件（或 LINGSHU_CONFIG）
  --from ISO        只导出此时间及之后的事件（如 2026-11-01 或 2026-11-01T08:00:00Z）
  --to ISO          只导出此时间之前的事件
  --user U          只导出此登录名或用户 ID 的事件
  --patient ID      只导出与此患者 ID 相关的事件
  --action A        只导出此类操作（login、query、read、write、export、share 等）
  --out FILE        写入 FILE（不得已存在），而不是标准输出
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
  'import.foreignStudy': '{count} 个实例属于其他机构的检查：已存入该检查，归属机构不变',
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
  'audit.usage': '请使用 "lingshu audit verify" 或 "lingshu audit export"',
  'audit.intact': '共 {events} 条记录，审计链完整（链头 #{seq} {hash}）',
  'audit.broken': '审计链在第 {seq} 条记录处断开：{reason}（其之前的 {events} 条记录校验通过）',
  'audit.reason.hash': '哈希不符（该记录被修改）',
  'audit.reason.prevHash': 'prev_hash 不符（与上一条记录的链接被修改）',
  'audit.reason.gap': '记录缺失（被删除）',
  'audit.exported': '已导出 {events} 条审计事件到 {out}',
  'audit.progress': '已导出 {done}/{total} 条审计事件',
  'usage.worker': `用法: lingshu worker [选项]

运行 AI 工作进程: 从共享队列（通过 DATABASE_URL 连接 PostgreSQL）领取分析任务，并把结果存入
共享归档（与服务进程使用相同的数据目录和数据库）。收到 SIGINT/SIGTERM 后，等正在运行的分析完成再退出。

选项:
  --concurrency N            同时分析的任务数（默认 1）
  --analyzers-module PATH    额外的分析器: 导出 \`analyzers: Analyzer[]\` 的 JS/TS 模块
  --data DIR                 数据目录（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --config FILE              JSON 配置文件
  --lang en|zh-CN`,
  'worker.ready': 'AI 工作进程已就绪（pid {pid}）: 并发 {concurrency} 个任务; 分析器: {analyzers}',
  'worker.stopping': '正在停止 AI 工作进程（等待运行中的任务完成）…',
  'usage.rules': `用法: lingshu rules list|show ID|set FILE|dry-run STUDY_UID [选项]

AI 路由规则: 一个已存储的检查会交给哪些分析器（见 docs/orchestration.md）。

子命令:
  list               按顺序列出规则（编号、是否启用、优先级、分析器、名称）
  show ID            以 JSON 显示一条规则
  set FILE           用 FILE 中的 JSON 列表替换全部规则（先校验）
  dry-run STUDY_UID  试运行: 该检查会交给哪些分析器，以及原因

选项:
  --data DIR    数据目录（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --config FILE JSON 配置文件
  --json        输出 JSON
  --lang en|zh-CN`,
  'usage.institution': `用法: lingshu institution add|list|update [选项]

医联体内的机构：中心医院与基层医疗机构。检查归属于发送它的机构（见 docs/institutions.md）。

命令:
  add      --code 代码 --name 名称 [--name-en 英文名] [--kind hub|primary] [--hub 代码] [--ae AE1,AE2]
  list     代码、类型、所属中心、名称与调用方 AE 名称
  update   --code 代码 及要修改的字段（--hub '' 取消所属中心；--ae 替换整个列表）

选项:
  --data 目录    数据目录（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --config 文件  JSON 配置文件
  --json         以 JSON 输出
  --lang en|zh-CN`,
  'institution.header': '代码         类型     所属中心     名称 [AE 名称]',
  'institution.added': '已添加机构 {code}。',
  'institution.updated': '已更新机构 {code}。',
  'institution.unknown': '没有代码为 {code} 的机构',
  'institution.badKind': '--kind 只能是 hub 或 primary',
  'institution.needCodeName': '请给出 --code 和 --name',
  'institution.needCode': '请给出要更新机构的 --code',
  'institution.unknownCommand': '用法: lingshu institution add|list|update',
  'rules.none': '没有路由规则。',
  'rules.notFound': '没有此编号的规则。',
  'rules.saved': '已保存 {count} 条规则。',
  'rules.noMatch': '该检查不会交给任何分析器。',
  'rules.match': '分析器 {analyzer}（规则 {rule}，优先级 {priority}）',
  'rules.matched': '匹配',
  'rules.notMatched': '不匹配',
  'rules.disabled': '已停用',
  'page.title': '灵枢状态',
  'page.version': '版本',
  'page.patients': '患者',
  'page.studies': '检查',
  'page.series': '序列',
  'page.instances': '实例',
  'page.signIn': '登录后才能查看检查（/dicomweb 与 /api 均需身份认证，见 docs/security.md）。',
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
  'usage.user': `用法: lingshu user add|list|passwd|disable|enable|unlock [用户名] [选项]

管理服务器的用户账号（与 lingshu serve 使用相同的数据目录 / DATABASE_URL）。

  user add --username 用户名 --role 角色 [--institution 机构代码] [--display-name 显示名] [--password-stdin]
  user list [--json]
  user passwd 用户名 [--password-stdin]
  user disable 用户名 | user enable 用户名 | user unlock 用户名

角色: admin、radiologist、resident、technician、referring、qc、researcher。未指定 --institution 时，
admin 和 qc 为全网账号，其他角色属于默认医院。密码在终端输入时不回显（输入两次），或用
--password-stdin 从标准输入第一行读取；密码从不作为命令行参数。密码策略: 至少 10 个字符，
包含小写、大写、数字、其他字符中的至少 3 类，且不能与用户名相同。

选项:
  --data 目录      数据目录（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --config 文件    JSON 配置文件（或 LINGSHU_CONFIG）
  --lang en|zh-CN`,
  'usage.token': `用法: lingshu token create --user 用户名 --name 名称 [--scope 权限,…] [--expires-days 天数] [选项]

为用户创建 API 令牌，并在标准输出上仅显示一次（只保存其哈希）。使用方式:
"Authorization: Bearer <令牌>"。--scope 将令牌限制为该用户的部分权限（如 study:read）；
--expires-days 设置有效天数。

选项:
  --data 目录      数据目录（默认 ./.lingshu，或 LINGSHU_DATA_DIR）
  --config 文件    JSON 配置文件（或 LINGSHU_CONFIG）
  --lang en|zh-CN`,
  'user.passwordPrompt': '新密码:',
  'user.passwordAgain': '再次输入密码:',
  'user.passwordMismatch': '两次输入的密码不一致',
  'user.needName': '请给出用户名',
  'user.notFound': '没有此用户名的用户',
  'user.addNeeds': 'user add 需要 --username 和 --role',
  'user.badRole': '角色必须是以下之一: {roles}',
  'user.added': '已添加用户 {username}（角色 {role}，机构 {institution}）',
  'user.none': '尚无用户。',
  'user.disabled': '已停用',
  'user.locked': '已锁定',
  'user.active': '正常',
  'user.passwordSet': '已设置 {username} 的密码；其会话已全部结束',
  'user.disabledDone': '已停用用户 {username}；其会话已全部结束',
  'user.enabledDone': '已启用用户 {username}',
  'user.unlocked': '已解锁用户 {username}',
  'token.needs': 'token create 需要 --user 和 --name',
  'token.badDays': '--expires-days 必须是整数天数',
  'token.created': '已为 {username} 创建令牌“{name}”（编号 {id}）: 仅显示这一次，请立即保存',
  'eval.report.title': '灵枢胸部 CT 评估：{scans} 例体模扫描（种子 {first}–{last}，{range}），矩阵 {matrix}',
  'eval.report.heldOut': '保留集，未用于调参',
  'eval.report.tuning': '调参范围——不是保留集结果',
  'eval.report.analysed': '已分析 {analysed}/{scans}；真值结节 {nodules} 个。',
  'eval.report.notAnalysed': '  种子 {seed}：{status}{reason}',
  'eval.report.detection': '检出（保留全部检出）：',
  'eval.report.col.group': '分组',
  'eval.report.col.sensitivity': '敏感度',
  'eval.report.all': '全部',
  'eval.report.col.diameter': '平均直径（mm）',
  'eval.report.col.site': '部位',
  'eval.report.col.slice': '层厚（mm）',
  'eval.report.falsePositives': '每例假阳性：{fp}（每例重复检出：{duplicates}）',
  'eval.report.froc': 'FROC（各每例假阳性数下的敏感度）：',
  'eval.report.col.fpPerScan': '每例假阳性',
  'eval.report.col.threshold': '阈值',
  'eval.report.atOneFp': '每例假阳性 ≤ 1 时（阈值 {threshold}，每例假阳性 {fp}）：',
  'eval.report.noThreshold': '无',
  'eval.report.solid': '  实性/部分实性 ≥ 5 mm：{rate}   （目标 ≥ 95 %）',
  'eval.report.ggn': '  磨玻璃 ≥ 6 mm：       {rate}   （目标 ≥ 85 %）',
  'eval.report.missed': '  漏检原因：实性/部分实性 {solid}；磨玻璃 {ggn}',
  'eval.report.errors': '测量误差（已检出的 ≥ 6 mm 结节；肺：测量值 − 真值）：',
  'eval.report.col.figure': '指标',
  'eval.report.col.median': '中位数',
  'eval.report.col.medianAbs': '|误差| 中位数',
  'eval.report.col.p95Abs': '|误差| P95',
  'eval.report.col.maxAbs': '|误差| 最大值',
  'eval.report.row.volume': '体积（%）',
  'eval.report.row.diameter': '平均直径（mm）',
  'eval.report.row.laa950': 'LAA-950（百分点）',
  'eval.report.row.infection': '感染范围（百分点）',
  'eval.report.lungRads': 'Lung-RADS 分类一致率（两者均有分类的已检出结节）：{rate}',
  'eval.report.runtime': '每例运行时间（仅分析器）：中位数 {median} s，最大 {max} s；峰值内存 {rss} MB',
  'eval.tuningSeeds':
    '注意: 种子 1–999 为调参范围（结节排序模型在其上拟合）；对外报告请使用未参与调参的种子（≥ 1000）。',
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
