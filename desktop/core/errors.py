"""The project's own errors and its one catalogue of messages.

Every message a clerk or an IT person can see is Chinese and comes from
``MESSAGES``; code raises with a stable :class:`Code` and the values to fill in
(``raise DocumentError(Code.DOC_BAD, why=...)``), so the wording lives in one
place (the pyxform way) and every error carries its ``code`` and its ``data``,
not only the formatted ``text``.  The drafts store's messages are part of the
same catalogue (``desktop.store.errors`` keeps its old names as thin wrappers).

Templates may end in ``{suggestion}``: :func:`suggest` fills it with
“您是不是想写…” for a name that is close to a known one, else nothing.
"""
from __future__ import annotations

import enum
import errno
from typing import Iterable, TypeVar

MESSAGES: dict[str, str] = {
    # --- reading what the clerk typed -------------------------------------------------
    "not_number": "“{text}”不是有效的数字",
    "not_integer": "“{text}”不是整数",
    "not_percent": "“{text}”不是有效的百分比",
    "not_date": "“{text}”不是有效的日期（可写 2021-12-31、2021年12月31日、2021.12 等）",
    "not_year": "“{text}”不是有效的年度（如 2023）",
    "not_phone": "“{text}”不是有效的电话号码（8 位本地号码、区号加号码，或 11 位手机号）",
    "not_option": "“{text}”不是可选项（可选：{options}）",
    "not_yesno": "“{text}”应为“是”或“否”",
    "bad_pattern": "“{text}”格式不对（{hint}）",
    "too_many_decimals": "“{text}”小数位过多（最多 {decimals} 位）",
    "wrong_unit": "“{text}”的单位“{unit}”与本栏单位“{expected}”不符",
    "too_long": "内容过长（{length} 字，最多 {limit} 字）",
    "bad_target": "“{text}”不能读作指标值：定量指标写运算符、数字和单位（如 ≥50个、≤90万元、=100%），定性指标写文字（如 效果明显）",
    # --- checks -----------------------------------------------------------------------
    "required": "必须填写",
    "below_min": "不应小于 {limit}（现为 {value}）",
    "above_max": "不应大于 {limit}（现为 {value}）",
    "override_differs": "手工填写的 {value} 与计算值 {computed} 不同",
    "negative_money": "金额不能为负数（现为 {value}）",
    "rate_nonsense": "算得 {rate}，不合常理，请核对{sources}",
    "glyph_missing": "打印字体缺少{chars}，打印时会漏掉这些字，请换一种写法或在设置中改用其他打印字体",
    # --- definitions ------------------------------------------------------------------
    "def_file": "表单定义 {file}：{problem}",
    "def_at": "{where}：{problem}",
    "def_not_json": "不是有效的 JSON（第 {line} 行第 {col} 列：{msg}）",
    "def_missing": "缺少“{key}”",
    "def_bad_value": "“{key}”的值 {value!r} 无效：{why}",
    "def_group_columns": "“group_columns”的值 {value!r} 无效：第一个分组列应为 group_column “{first}”",
    "def_unknown_key": "不认识的键“{key}”{hint}",
    "def_bad_type": "{block}的“{key}”的值 {value!r} 无效：应为{expected}",
    "def_did_you_mean": "，您是不是想写“{guess}”？",
    "def_no_such": "“{key}”引用了不存在的{what}“{ref}”{hint}",
    "def_unknown_type": "未知的字段类型“{type}”（可用：{types}）{hint}",
    "def_duplicate": "标识“{id}”重复",
    "def_bad_id": "标识“{id}”只能由字母、数字、下划线组成，且不能以数字开头",
    "def_unknown_ref": "公式引用了不存在的“{ref}”{hint}",
    "def_cycle": "公式循环引用：{cycle}",
    "def_unknown_rules": "未知的评分规则“{rules}”（可用：{known}）{hint}",
    "def_override_input_when": "同一列不能既可手工改写（override）又按条件改为填写（input_when）",
    "def_no_rows": "表格既没有固定行也不能增加行（repeat）",
    "def_example": "示例“{example}”不能按本栏类型读取：{why}",
    # --- form workbooks (desktop/forms) ------------------------------------------------
    "wb_file": "表单工作簿 {file}：{problem}",
    "wb_at_cell": "工作表“{sheet}”第 {row} 行“{column}”列（{letter} 列）：{problem}",
    "wb_at_row": "工作表“{sheet}”第 {row} 行：{problem}",
    "wb_at_sheet": "工作表“{sheet}”：{problem}",
    "wb_unknown_sheet": "不认识的工作表“{name}”{hint}",
    "wb_no_sheet": "缺少工作表“{name}”",
    "wb_unknown_heading": "不认识的列标题“{heading}”{hint}",
    "wb_bad_cell": "“{value}”无效：应为{expected}",
    "wb_required": "不能为空",
    "wb_unknown_item": "不认识的项目“{item}”{hint}",
    "wb_twice": "“{item}”只能写一行",
    "wb_no_such": "不存在的{what}“{ref}”{hint}",
    "wb_not_listed": "{what}“{ref}”没有列在工作表“{sheet}”中",
    "wb_no_fields": "分节“{id}”没有字段（请在工作表“字段”中填写）",
    "wb_no_columns": "表格“{id}”没有列（请在工作表“列”中填写）",
    "wb_too_many_rows": "超过 {limit} 行，其余的行没有读取",
    "wb_problems": "共 {count} 个问题",
    "form_installed": "已安装表单“{title}”（{id}，版本 {version}）",
    "form_upgraded": "已把表单“{title}”（{id}）由版本 {old} 升级到 {version}；旧版本仍保留，用它填写的草稿照常打开",
    "form_same_version": "表单“{title}”（{id}）已有版本 {there}，不再安装相同的版本 {version}",
    "form_older_version": "表单“{title}”（{id}）已有更新的版本 {there}，不安装较旧的版本 {version}",
    "form_bad_name": "表单标识或版本“{value}”只能由字母、数字、下划线、点和短横组成",
    "form_write_failed": "无法写入 {path}：{why}",
    "form_shipped": "表单 {id} 是程序内置的表单，不能删除",
    "form_removed": "已删除表单 {id} 的已安装版本：{versions}",
    "form_origin_shipped": "内置",
    "form_origin_installed": "由 {source} 安装于 {date}",
    "form_upgrade_ask": "已有表单“{title}”（{id}）版本 {old}。要升级到版本 {version} 吗？旧版本会保留，用它填写的草稿照常打开。",
    "form_refused": "未安装表单：\n{problems}",
    "form_lint_ok": "{file}：没有问题（表单 {id}，版本 {version}）",
    "written": "已写出 {path}",
    "form_source": "“{source}”既不是已有表单的标识，也不是表单定义（.json）或表单工作簿（.xlsx）文件",
    # --- expressions ------------------------------------------------------------------
    "expr_syntax": "公式“{source}”第 {pos} 个字符处有误：{why}",
    "expr_bad_char": "无法识别“{char}”",
    "expr_too_deep": "公式嵌套过深（超过 {limit} 层）",
    "expr_too_long": "公式过长（超过 {limit} 层运算）",
    "expr_expected": "应为{what}，却是“{found}”",
    "expr_empty": "公式为空",
    "expr_extra": "多余的“{text}”",
    "expr_row_id": "应为行标识",
    "expr_unexpected": "意外的“{text}”",
    "expr_not_text": "公式应为文字",
    "expr_column_expected": "应为表格的一列（如 表.列）",
    "expr_sum_column": "sum 的第一个参数应为表格的一列",
    "expr_unknown_func": "未知的函数“{name}”{suggestion}",
    "expr_arity": "函数 {name} 需要 {expected} 个参数，给了 {got} 个",
    "expr_column_only_in_aggregate": "“{ref}”是整列，只能用在 sum、count、min、max 等函数中",
    "expr_row_only": "“{name}”只能用在表格行的公式中",
    # --- documents / interchange ------------------------------------------------------
    "doc_not_json": "文件不是有效的 JSON：{why}",
    "doc_bad": "文件内容不符合格式：{why}",
    "doc_unknown_form": "未知的表单“{form}”{suggestion}",
    "doc_newer_version": "文件由更新的表单定义版本 {version} 生成，本程序只认识到 {known}"
                         "（可安装该表单的新版本：文件 → 安装表单…）",
    "doc_unreadable": "无法读取文件 {path}：{why}",
    "doc_too_big": "文件超出了本程序能处理的范围，为安全起见不读取：{why}",
    "doc_too_deep": "嵌套层数过多，不是本程序的交换文件",
    "doc_file_too_big": "文件有 {size} 字节，超过交换文件的上限 {limit} 字节",
    # --- limits (desktop/core/limits.py) ----------------------------------------------
    "limit_value": "{where}的内容过长（{length} 字，上限 {limit} 字）",
    "limit_value_bytes": "{where}的内容过长（{size} 字节，超过上限 {limit} 字）",
    "limit_name": "{where}中有一项的名称过长（上限 {limit} 字）",
    "name_not_text": "{where}中有一项的名称不是文字（是{kind}）",
    "limit_rows": "{where}有 {count} 行，超过上限 {limit} 行",
    "limit_parts": "共有 {count} 个部分，超过上限 {limit} 个",
    "limit_values": "共有 {count} 项内容，超过上限 {limit} 项",
    "limit_chars": "内容合计 {count} 字，超过上限 {limit} 字",
    "not_text": "{where}的内容不是文字（是{kind}）",
    "bad_row_id": "{where}有一行的标识“{row}”为空、过长或含有“/”",
    "limit_value_refused": "{where}的内容过长（{length} 字，上限 {limit} 字），未填入",
    "limit_rows_refused": "{where}有 {count} 行，超过上限 {limit} 行，未增加",
    "pdf_unreadable": "无法读取 PDF 文件 {path}：{why}",
    "pdf_no_stamp": "{name} 不是本程序导出的 PDF，或其中没有校验信息",
    # --- editing (engine and session) -------------------------------------------------
    "cell_not_input": "{where} 是计算值或表头，不能直接填写",
    "cell_not_overridable": "{where} 不能手工改写",
    "rows_fixed": "“{table}”的行是固定的",
    "rows_max": "“{table}”最多 {max_rows} 行",
    "single_part": "“{form}”只有一份",
    "single_part_add": "“{form}”只有一份，不能增加{part_label}",
    "keep_one_part": "至少要保留一个{part_label}",
    "unknown_part": "没有这个项目（{part}）",
    "draft_readonly": "草稿以只读方式打开，不能修改",
    "readonly_notice": "{notice}",  # why the draft opened read-only, itself from this catalogue (readonly_file, …)
    # --- bundles and e-mail -----------------------------------------------------------
    "bundle_mkdir": "无法创建文件夹 {folder}：{why}",
    "bundle_write": "无法写入 {path}：{why}",
    "bundle_no_draft": "草稿文件 {path} 不存在",
    "bundle_copy": "无法复制草稿 {name}：{why}",
    "mail_bad_address": "收件人地址“{address}”格式不对（应如 name@example.gov.cn）",
    "mail_no_attachment": "附件 {path} 不存在",
    "mail_attachment_unreadable": "无法读取附件 {path}：{why}",
    # --- sending through the intranet mail server (desktop/export/smtp.py) ---------------
    "smtp_no_host": "没有设置邮件服务器地址（SMTP）",
    "smtp_no_recipients": "没有收件人地址",
    "smtp_no_sender": "没有发件人地址（请在设置中填写发件人或登录用户名）",
    "smtp_login": "邮件服务器 {where} 拒绝登录：用户名或密码不对",
    "smtp_unsupported": "邮件服务器 {where} 不支持所需的功能（{why}），请检查加密和登录设置",
    "smtp_recipients": "邮件服务器拒绝了收件人：{recipients}",
    "smtp_sender": "邮件服务器拒绝了发件人 {sender}（{why}）",
    "smtp_disconnected": "邮件服务器 {where} 断开了连接（可能需要加密连接，或端口不对）",
    "smtp_failed": "邮件发送失败：{why}",
    "smtp_tls": "与邮件服务器 {where} 的加密连接失败：{why}",
    "smtp_timeout": "连接邮件服务器 {where} 超时（{timeout:g} 秒）",
    "smtp_refused": "无法连接邮件服务器 {where}：对方拒绝连接（地址或端口不对，或服务器未开启）",
    "smtp_unknown_host": "找不到邮件服务器“{host}”（地址不对或网络不通）",
    "smtp_unreachable": "无法连接邮件服务器 {where}：{why}",
    # --- work on a worker thread, stopped by 取消 (desktop/core/cancel.py) ------------
    "cancelled": "已取消",
    "mail_cancelled": "已取消发送：已断开与邮件服务器 {server} 的连接，邮件没有发出",
    "export_cancelled": "已取消导出，没有写入 {name}",
    "export_write": "无法写入{what} {path}：{why}",
    "working": "正在{what}，请稍候……",
    "import_cancelled": "已取消导入，表单没有改动",
    "no_draft_open": "没有打开草稿",
    # --- PDF, fonts and printing (desktop/export/pdf*.py, ui/print_preview.py) ----------
    "pdf_not_final": "表中还有错误，不能导出正式版（可导出带“草稿”水印的副本）：\n{errors}",
    "pdf_missing_chars": "字体“{font}”缺少以下字符，导出会漏字，请改用其他字体或修改内容：\n{chars}",
    "pdf_too_tall": "无法排版：{where}的内容比一页还高，放不下，请缩短它",
    "pdf_too_tall_somewhere": "无法排版：有一部分内容比一页还高，请缩短过长的标题、表头或单位名称",
    "pdf_cannot_reprint": "无法重新打印“{version}”，不能核对",
    "font_not_found": "找不到字体文件 {font}（可填字体文件路径，或 宋体、仿宋、仿宋_GB2312、黑体、楷体）",
    "font_not_truetype": "字体文件 {name} 不能用于 PDF（需要 TrueType 轮廓的 .ttf/.ttc 字体）",
    "print_no_pdfium": "缺少打印组件 pypdfium2，无法预览和打印；可先导出 PDF 再用其他程序打印",
    "print_not_started": "无法开始打印（打印机不可用或被取消）",
    "eml_open_failed": "无法用邮件程序打开 {path}：{why}。可以手工双击该文件，或把其中的附件添加到邮件中",
    "eml_unreadable": "无法读取邮件文件 {path}：{why}",
    # --- reading a workbook (desktop/export/xlsx_safety.py, xlsx_import.py) --------------
    "xlsx_unreadable": "无法读取文件 {name}：{why}",
    "xlsx_old_format": "{name} 是旧版 .xls 文件或设了打开密码的 Excel 文件，无法读取。请在 Excel 中“另存为” .xlsx（不设密码）后再导入",
    "xlsx_not_xlsx": "{name} 不是 Excel 工作簿（.xlsx）文件",
    "xlsx_too_big": "{name} 太大（{size_mb:.0f} MB，最多 {limit_mb} MB），不予读取",
    "xlsx_bad_zip": "{name} 已损坏，不是有效的 .xlsx 文件（{why}）",
    "xlsx_zip64": "{name} 是超大（ZIP64）压缩包，不是正常的 Excel 工作簿，不予读取",
    "xlsx_too_many_members": "{name} 含有 {entries} 个内部文件，远超正常工作簿，不予读取",
    "xlsx_no_workbook": "{name} 不是 Excel 工作簿（缺少工作簿内容）",
    "xlsx_encrypted": "{name} 的内容是加密的，无法读取",
    "xlsx_zip_bomb": "{name} 疑似“压缩炸弹”：内部文件 {member} 解压后 {size_mb:.0f} MB，压缩比 {ratio:.0f} 倍，不予读取",
    "xlsx_member_too_big": "{name} 的内部文件 {member} 解压后 {size_mb:.0f} MB，超过 {limit_mb} MB 的上限，不予读取",
    "xlsx_total_too_big": "{name} 解压后超过 {limit_mb} MB，不予读取（疑似压缩炸弹）",
    "xlsx_bad_directory": "{name} 已损坏，无法读取其内容目录（{why}）",
    "xlsx_not_utf8": "{name} 的内部文件 {member} 不是 UTF-8 编码的 XML，不予读取",
    "xlsx_dtd": "{name} 含有 XML 实体定义（<!DOCTYPE>/<!ENTITY>），正常的 Excel 文件不会有，疑似“实体炸弹”，不予读取",
    "xlsx_bad_member": "{name} 已损坏，无法读取内部文件 {member}（{why}）",
    "xlsx_row_too_wide": "{name} 的一行中有超过 {limit} 个单元格，超出 Excel 的列数，不予读取",
    "xlsx_no_defusedxml": "缺少 defusedxml 组件，出于安全考虑不读取 Excel 文件",
    "xlsx_timeout": "读取 {name} 超过 {seconds:.0f} 秒仍未完成{at}，已停止导入：表格的内容异常或过大。文件没有被改动",
    "xlsx_entities": "{name}{where}含有 XML 实体定义，疑似“实体炸弹”，不予读取",
    "xlsx_too_deep": "{name}{where}的内容嵌套过深，已损坏或被恶意改动，无法读取",
    "xlsx_out_of_memory": "{name}{where}的内容过大，内存不足，无法读取",
    "xlsx_bad_xml": "{name}{where}已损坏：XML 格式错误（内部文件第 {line} 行第 {col} 列），可能被其他程序改坏，无法读取",
    "xlsx_broken": "{name}{where}已损坏，无法读取（{kind}）",
    "xlsx_not_own": "{name} 不是本程序导出的 Excel 文件",
    "xlsx_not_own_import": "{name} 不是本程序导出的 Excel 文件，请用“从表格导入”按列对应导入",
    "xlsx_no_form_info": "{name} 不是本程序导出的 Excel 文件（没有表单信息），请用“从表格导入”按列对应导入",
    "xlsx_info_unusable": "{name} 中的表单信息无法使用：{why}",
    "xlsx_info_damaged": "{name} 中的表单信息已损坏（{why}），无法按原样导入",
    "xlsx_info_broken": "{name} 中的表单信息已损坏，无法按原样导入",
    "xlsx_info_too_deep": "{name} 中的表单信息嵌套过深（已被改动或损坏），无法按原样导入",
    "xlsx_info_too_big": "{name} 中的表单信息过大，不予读取",
    "xlsx_no_sheet": "{name} 中没有名为“{sheet}”的工作表{suggestion}",
    "xlsx_no_visible_sheet": "{name} 中没有可见的工作表",
    "import_no_table": "表单中没有表格“{table}”{suggestion}",
    "import_no_columns": "表格“{table}”中没有列：{columns}",
    # --- the desk: return packages, the review library, the summary ----------------------
    "return_write": "无法写出退回包 {path}：{why}",
    "return_not_package": "{name} 不是退回包（应含一份草稿）",
    "return_too_big": "{name} 中的草稿过大",
    "return_unreadable": "无法打开退回包 {name}：{why}",
    "return_no_review": "{name} 中的草稿没有审核意见，不是退回包",
    "library_no_folder": "汇总审核库所在的文件夹不存在：{folder}",
    "library_newer": "汇总审核库（{where}）由更新版本的程序建立，请升级程序",
    "library_unreadable": "无法打开汇总审核库 {where}：{why}",
    "library_no_submission": "汇总审核库中没有编号为 {id} 的报送",
    "library_bad_status": "审核状态应为 {statuses} 之一：{status}",
    "library_empty_comment": "审核意见不能为空",
    "library_conflict": "这份报送刚刚已被 {who} 修改（现在的状态：{status}）；您的修改没有保存，请刷新后再看一遍",
    "summary_bad_suffix": "汇总只能导出为 .xlsx 或 .pdf：{name}",
    "final_unexplained": "表中还有 {count} 个提示没有写说明。正式版照常打印这些数字，不加任何标记，"
                         "审核时可能因此被退回：\n{listed}\n\n可以先在右侧“问题”中逐条填写说明（说明随表打印），"
                         "或改正数字后再导出。",
    "collect_failed": "收集时出错（{kind}）；详情见日志 jixiao.log，可点“重新扫描”再读一遍",
    # --- settings ---------------------------------------------------------------------
    "setting_invalid": "“{value}”无效：{why}",
    "setting_invalid_for": "设置“{label}”的值“{value}”无效：{why}",
    "setting_unknown": "没有“{name}”这项设置{suggestion}",
    # --- drafts (the store; DraftError.key is the code's value) -----------------------
    "missing_file": "找不到草稿“{name}”（{path}）",
    "missing_folder": "草稿所在的磁盘或文件夹不存在：{folder}（U 盘是否已拔出？网络盘是否已连接？）",
    "is_folder": "“{name}”是文件夹，不是草稿文件",
    "not_sqlite": "“{name}”不是草稿文件（不是本程序保存的格式）",
    "not_draft": "“{name}”是数据库文件，但不是绩效填报草稿",
    "truncated": "草稿“{name}”不完整（文件只有 {size} 字节，应有 {expected} 字节），可能是复制或下载时中断了；"
                 "原文件未做改动，请重新复制一份",
    "corrupt": "草稿“{name}”已损坏，无法打开（{why}）；原文件未做改动，请使用备份或向发送方重新索取",
    "newer": "草稿“{name}”由更新版本的程序保存（草稿格式第 {version} 版，本程序只认识到第 {known} 版），"
             "请升级程序后再打开",
    "newer_form": "草稿“{name}”使用的表单定义版本 {version} 比本程序的 {known} 新，"
                  "请安装该表单的新版本（文件 → 安装表单…）或升级程序后再打开",
    "unsafe": "草稿“{name}”含有草稿中不应有的数据库内容（{what}），为安全起见拒绝打开",
    "bad_schema": "草稿“{name}”的内部结构不对（{what}），无法打开",
    "wal": "草稿“{name}”被其他软件改成了本程序不使用的日志模式，无法打开",
    "readonly_file": "草稿“{name}”是只读文件，已以只读方式打开；如需修改，请另存一份",
    "readonly_folder": "草稿“{name}”所在的文件夹不能写入，已以只读方式打开；如需修改，请另存一份",
    "readonly_edit": "草稿“{name}”以只读方式打开，修改没有保存",
    "readonly_recover": "草稿“{name}”上次没有正常保存完毕，需要修复，但文件或文件夹是只读的；请把它复制到可写的位置再打开",
    "locked": "草稿“{name}”已在计算机 {computer} 上由 {user} 打开（{since} 起）；可以只读方式打开",
    "locked_here": "草稿“{name}”已在本机的另一个窗口中打开（{since} 起）；可以只读方式打开",
    "lock_lost": "草稿“{name}”已被别处（计算机 {computer}，{user}）打开，本窗口的修改不再保存；请“另存为”新文件",
    "write_failed": "草稿“{name}”没能保存刚才的修改（{why}）；屏幕上的内容仍在，请检查磁盘或网络后重试，或“另存为”新文件",
    "out_of_step": "草稿“{name}”上一次修改没有保存成功，需先整体重新保存后才能继续",
    "exists": "文件“{name}”已存在，不会覆盖",
    "bad_name": "草稿文件名应以 .jxd 结尾：“{name}”",
    "unreadable": "无法读取草稿“{name}”：{why}",
    "busy": "草稿“{name}”正被另一程序写入，请稍后再试",
    "no_snapshot": "草稿“{name}”中没有编号为 {id} 的版本",
    "migrate_failed": "草稿“{name}”从第 {old} 版升级到第 {new} 版时出错（{why}）；原文件未改动，备份在 {backup}",
    "no_part": "草稿“{name}”中没有这个项目（{part}）",
    "no_row": "草稿“{name}”的“{table}”中没有这一行（{row}）",
    "closed": "草稿“{name}”已关闭",
    "bad_journal": "草稿“{name}”旁边有一个不可信的日志文件“{journal}”（{why}），为保护您的文件没有使用它；"
                   "可以只读方式打开草稿（日志不会被使用），或请发送方重新发一份",
    "journal_ignored": "草稿“{name}”旁边的日志文件“{journal}”不可信（{why}），已忽略；草稿以只读方式打开，原文件和日志都未改动",
    "journal_recovered": "草稿“{name}”上次没有正常保存完毕（旁边有日志文件“{journal}”）；已在副本中撤回未完成的修改后只读打开，"
                         "原文件和日志都未改动",
    "bad_content": "内容中有重复的标识（如两行的行号相同），无法保存为草稿“{name}”",
    "lock_failed": "无法为修改打开草稿“{name}”：不能在它旁边写入占用标记文件（{why}）；可以只读方式打开，"
                   "或清理磁盘空间、检查 U 盘或网络盘后重试",
    "too_big": "草稿“{name}”超出了本程序能处理的范围，为安全起见不打开：{why}；原文件未做改动",
    "bad_value": "草稿“{name}”中有本程序不能读取的内容：{why}；原文件未做改动，请向发送方重新索取",
    "not_regular": "“{name}”不是普通文件（{what}），不能作为草稿打开",
    # --- making one form from another (申报表 → 自评表) -----------------------------------
    "continue_none": "没有可由“{source}”（{source_id}）生成的表单",
    "continue_several": "有多个表单可由“{source}”生成：{forms}；请指定要生成哪一个（--form）",
    "continue_not_from": "“{target}”（{target_id}）不能由“{source}”（{source_id}）生成",
    "continue_parts": "“{source}”有 {n} 个项目，而“{target}”每份只有一个项目；请每个项目分别生成",
    "continue_bad_map": "表单 {target} 的 continues 引用了“{source}”中不存在的“{ref}”",
    "continue_exists": "文件 {path} 已经存在；请换一个文件名",
    # --- jixiao import-xlsx (desktop/export_commands.py) ---------------------------------
    "cli_map_item": "列对应“{item}”应写成 表头=列标识，如 指标名称=name",
    "cli_not_own_export": "{name} 不是本程序导出的文件：请用 --form 指定表单（或 --into 指定要导入的草稿），"
                          "可再用 --map 指定列对应",
    "cli_sheet_unusable": "{name} 不能导入：{notes}",
    "cli_no_header": "{name} 中没有找到表头行",
    "cli_missing_headers": "表中没有这些表头：{missing}（表头有：{headers}）{suggestion}",
    "cli_no_table": "表单“{form}”中没有一个表格同时有这些列：{columns}",
    "cli_no_match": "表头与表单中任何表格的列都对不上，请用 --map 指定列对应，如 --map “指标名称=name,目标值=target”",
}

# Every key once: the drafts' keys must not shadow the others'.
Code = enum.Enum("Code", {key.upper(): key for key in MESSAGES}, type=str, module=__name__)
Code.__doc__ = """The stable code of every message (its value is the catalogue key: ``Code.REQUIRED == "required"``)."""


def message(msg_id: str, /, **values: object) -> str:
    """The catalogue's text for ``msg_id`` (a :class:`Code` or its key) with ``values`` filled in.

    A suggestion (“您是不是想写…”) may be given as ``suggestion`` or ``hint``: templates use either name."""
    hint = values.get("suggestion", values.get("hint", ""))
    values.setdefault("suggestion", hint)
    values.setdefault("hint", hint)
    return MESSAGES[msg_id].format(**values)


def did_you_mean(word: object, candidates: "Iterable[str]") -> str:
    """``，您是不是想写“classes”？`` for a near miss among ``candidates``, else '' (the one suggestion helper)."""
    if not isinstance(word, str) or not word:
        return ""
    cutoff = 0.5 if len(word) <= 4 else 0.6  # 提式 → 提示: one character of two differs
    import difflib  # only for a near miss: not at start-up

    candidates = {c for c in candidates if isinstance(c, str)}
    scored = [(difflib.SequenceMatcher(None, word, c).ratio(), c[:1] == word[:1], c) for c in candidates]
    scored = [s for s in scored if s[0] >= cutoff]
    close = [max(scored)[2]] if scored else []
    if not close:
        low = {c.lower(): c for c in candidates}
        close = [low[word.lower()]] if word.lower() in low else []
    return message("def_did_you_mean", guess=close[0]) if close else ""


_OS_WHY = {
    errno.ENOENT: "文件不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EISDIR: "这是文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹", errno.ENOSPC: "磁盘已满", errno.EROFS: "磁盘是只读的",
    errno.EIO: "磁盘读写出错，U 盘或网络盘可能已断开", errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EBUSY: "文件被另一程序占用", errno.EEXIST: "文件已存在", errno.ELOOP: "路径中的链接太多（可能是循环链接）",
    errno.ENXIO: "设备不存在或未连接", errno.ENODEV: "设备不存在", errno.EINVAL: "文件名或参数无效",
    errno.EMFILE: "同时打开的文件太多", errno.ENFILE: "同时打开的文件太多", errno.ENOMEM: "内存不足",
    errno.EFBIG: "文件过大", errno.ETIMEDOUT: "网络盘响应超时", errno.EAGAIN: "文件暂时无法访问，请稍后再试",
}
_WINERROR_WHY = {32: "文件被另一程序占用", 33: "文件的一部分被另一程序锁定", 21: "设备未就绪（U 盘是否已拔出？）",
                 53: "找不到网络路径", 64: "网络连接已断开", 112: "磁盘已满", 1392: "文件或目录已损坏"}


def os_why(exc: BaseException) -> str:
    """Why an operating-system call failed, in Chinese (never the system's English or garbled text)."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINERROR_WHY:
        return _WINERROR_WHY[winerror]
    code = getattr(exc, "errno", None)
    if code in _OS_WHY:
        return _OS_WHY[code]
    if isinstance(exc, UnicodeError):
        return "文件名或内容的编码不对"
    return f"系统错误{f' {code}' if code else ''}"


# exit codes of the command line (README, 命令行)
EXIT_FORM_ERRORS = 1  # jixiao check: the form has errors
EXIT_FAILED = 2  # wrong usage (argparse), or the command could not be done (an output exists, a refusal)
EXIT_UNREADABLE = 3  # a file given to the command cannot be read: missing, damaged, hostile, beyond the limits


def suggest(word: str, choices: Iterable[str]) -> str:
    """The same as :func:`did_you_mean` (the name the engine and the settings use)."""
    return did_you_mean(word, choices)


class JixiaoError(Exception):
    """Base of every error this project raises on purpose; ``exit_code`` for the command line.

    ``JixiaoError(Code.X, **data)`` formats the catalogue's message; ``code`` and ``data`` (the values, for
    logs, programs and tests) travel with it.  Every error is raised with a code (tests/test_errors.py scans
    the source, and a text in place of a code is refused here)."""

    exit_code = EXIT_FAILED

    def __init__(self, code: "Code", /, **data: object):
        if not isinstance(code, Code):
            raise TypeError(f"{type(self).__name__} takes a Code from the catalogue, not {code!r}")
        text = message(code, **data)
        super().__init__(text)
        self.text = text
        self.code: Code = code
        self.data: dict[str, object] = data
        self.detail = ""  # technical detail (Python's or SQLite's words) for logs, never shown to the clerk

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.text

    def as_(self, cls: "type[E]") -> "E":
        """The same message (code and data) as an error of another class."""
        return cls(self.code, **self.data)


E = TypeVar("E", bound=JixiaoError)


class ReadError(JixiaoError, ValueError):
    """What the clerk typed cannot be read as the field's type.

    The one validation error every field reader and every expression raises.
    """

    def __init__(self, key: "str | Code", **values: object):
        super().__init__(Code(key), **values)
        self.key = self.code.value if self.code is not None else str(key)
        self.values = values


class DefinitionError(JixiaoError):
    """A form definition is malformed; the text names the file, the place and the problem."""

    def __init__(self, problem: "str | Code", where: str = "", file: str = "", **data: object):
        code = problem if isinstance(problem, Code) else None
        if code is not None:
            problem = message(code, **data)
        text = str(problem)
        if where:
            text = message("def_at", where=where, problem=text)
        if file:
            text = message("def_file", file=file, problem=text)
        Exception.__init__(self, text)  # the problem may be another error's text, placed (where, file)
        self.text, self.detail = text, ""
        self.code, self.data = code, data
        self.problem = str(problem)
        self.where = where
        self.file = file

    def located(self, where: str = "", file: str = "") -> "DefinitionError":
        """The same problem with an outer location prepended (innermost first)."""
        inner = self.where
        if where and inner:
            where = f"{where} › {inner}"
        elif inner:
            where = inner
        problem = self.code if self.code is not None else self.problem  # a text only from unconverted code
        return DefinitionError(problem, where, file or self.file, **self.data)


class OptionError(DefinitionError, ValueError):
    """An option of a field type or of a rule set is wrong (a ``ValueError``, as their callers expect);
    the definition loader adds the place with :meth:`located`."""


class ExprError(DefinitionError):
    """A formula cannot be parsed or refers to something that does not exist."""


class DocumentError(JixiaoError):
    """A filled-form file (JSON interchange or draft) cannot be used."""


class UnreadableFile(DocumentError):
    """A file given to the program cannot be read at all (missing, not a regular file, not JSON, damaged,
    beyond the limits): exit code 3 on the command line."""

    exit_code = EXIT_UNREADABLE
