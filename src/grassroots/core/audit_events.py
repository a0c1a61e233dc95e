"""The audit event catalogue: one enum with stable numeric codes (never renumber; append new ones), and their names.

It lives in core because apps below the audit app (accounts, areas) name their events too; every app may keep
importing it as `grassroots.audit.events`.
"""

from enum import IntEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AuditEvent(IntEnum):
    # areas 100–199
    REGION_IMPORTED = 101
    REGION_EXPORTED = 102
    REGION_UPDATED = 103
    # registry 200–299
    PERSON_CREATED = 201
    PERSON_UPDATED = 202
    PERSON_VIEWED = 203
    PERSON_LISTED = 204
    PERSON_REVEALED = 205
    PERSON_SEARCHED = 206
    PERSON_ACCOUNT_RELINKED = 207
    PERSON_MOVED = 208
    PERSON_MOVED_OUT = 209
    PERSON_DIED = 210
    HOUSE_CREATED = 211
    HOUSE_VIEWED = 212
    HOUSE_SEARCHED = 213
    HOUSE_UPDATED = 214
    HOUSEHOLD_CREATED = 215
    HOUSEHOLD_UPDATED = 216
    LEGAL_PERSON_CREATED = 221
    LEGAL_PERSON_VIEWED = 222
    LEGAL_PERSON_UPDATED = 223
    TAG_ADDED = 231
    TAG_REMOVED = 232
    REGISTRY_EXPORTED = 241
    # accounts 300–399
    MEMBERSHIP_GRANTED = 301
    MEMBERSHIP_REVOKED = 302
    API_TOKEN_ISSUED = 311
    API_TOKEN_REVOKED = 312
    # cases 400–499
    CASE_OPENED = 401
    CASE_DISPATCHED = 402
    CASE_ACCEPTED = 403
    CASE_RETURNED = 404
    CASE_ARBITRATED = 405
    CASE_UPDATED = 406
    CASE_RESOLVED = 407
    CASE_CLOSED = 408
    CASE_RATED = 409
    CASE_REOPENED = 410
    CASE_MERGED = 411
    CASE_ESCALATED = 412
    CASE_SUPERVISED = 413
    CASE_RECLASSIFIED = 414
    CASE_VIEWED = 415
    CASE_FOLLOWED = 416
    CASES_IMPORTED = 417
    ROUTING_CHANGED = 418
    # sharing and open data 500–599
    OPEN_DATA_PUBLISHED = 501
    DATASET_CREATED = 502
    DATASET_UPDATED = 503
    SHARE_REQUESTED = 511
    SHARE_COMPLIANCE_DECIDED = 512
    SHARE_PROVIDER_DECIDED = 513
    SHARE_WITHDRAWN = 514
    SHARE_ESCALATED = 515
    GRANT_KEY_ISSUED = 521
    GRANT_REVOKED = 522
    SHARED_DATA_ACCESSED = 523
    GRANT_SUSPENDED = 524
    DATA_ERROR_REPORTED = 531
    DATA_ERROR_ANSWERED = 532
    DATA_ERROR_ESCALATED = 533
    OPEN_DATA_FEEDBACK = 541
    # risk and early warning 600–699
    WARNING_OPENED = 601
    WARNING_ACKNOWLEDGED = 602
    WARNING_CLOSED = 603
    RISK_RULE_CHANGED = 604
    RISK_SUBSCRIBED = 605
    PLAN_PROPOSED = 606
    PLAN_ADOPTED = 607
    PLAN_DECLINED = 608
    SIGNAL_SUBMITTED = 609
    # notifications 700–799
    NOTIFICATION_CHOICES_CHANGED = 701
    # environment alerts, maintenance tasks and rules 840–859 (800–839 left to the rest of environment)
    ENV_ALERT_RAISED = 841
    ENV_ALERT_ACKNOWLEDGED = 842
    ENV_ALERT_CLOSED = 843
    ENV_RECTIFICATION_SUBMITTED = 844
    ENV_RECTIFICATION_REVIEWED = 845
    ENV_TASK_OPENED = 846
    ENV_TASK_CLOSED = 847
    ENV_RULE_CHANGED = 848
    # keys and system 900–999
    KEYS_ROTATED = 901
    DEMO_LOADED = 902
    CONFIG_CHANGED = 903  # a vocabulary or configuration row edited in the Django admin
    # the audit log itself: an auditor's read is a read of personal-data metadata
    AUDIT_SEARCHED = 951
    AUDIT_PROOF_VIEWED = 952
    AUDIT_CHECKPOINT_EXPORTED = 953
    # environment stations (the station registry) 870–879
    ENV_STATION_CREATED = 871
    ENV_STATION_UPDATED = 872
    ENV_STATIONS_EXPORTED = 873
    ENV_DATASTREAM_ADDED = 874
    # environment monitoring 1000–1099: ingest tokens (environment/tokens.py)
    INGEST_TOKEN_CREATED = 1001
    INGEST_TOKEN_REVOKED = 1002
    # environment: lab-result imports 1090–1099
    LAB_RESULTS_IMPORTED = 1090


LABELS: dict[AuditEvent, Promise] = {
    AuditEvent.REGION_IMPORTED: _("导入区域"),
    AuditEvent.REGION_EXPORTED: _("导出区域"),
    AuditEvent.REGION_UPDATED: _("修改区域"),
    AuditEvent.PERSON_CREATED: _("登记人员"),
    AuditEvent.PERSON_UPDATED: _("修改人员"),
    AuditEvent.PERSON_VIEWED: _("查看人员"),
    AuditEvent.PERSON_LISTED: _("浏览人员列表"),
    AuditEvent.PERSON_REVEALED: _("查看完整信息"),
    AuditEvent.PERSON_SEARCHED: _("查找人员"),
    AuditEvent.PERSON_ACCOUNT_RELINKED: _("重新关联居民账号"),
    AuditEvent.PERSON_MOVED: _("人员迁入或更换住址"),
    AuditEvent.PERSON_MOVED_OUT: _("人员迁出"),
    AuditEvent.PERSON_DIED: _("登记死亡"),
    AuditEvent.HOUSE_CREATED: _("登记房屋"),
    AuditEvent.HOUSE_UPDATED: _("修改房屋"),
    AuditEvent.HOUSEHOLD_UPDATED: _("修改户"),
    AuditEvent.LEGAL_PERSON_UPDATED: _("修改法人"),
    AuditEvent.HOUSE_VIEWED: _("查看房屋"),
    AuditEvent.HOUSE_SEARCHED: _("查找房屋"),
    AuditEvent.HOUSEHOLD_CREATED: _("登记家庭户"),
    AuditEvent.LEGAL_PERSON_CREATED: _("登记法人"),
    AuditEvent.LEGAL_PERSON_VIEWED: _("查看法人"),
    AuditEvent.TAG_ADDED: _("添加标签"),
    AuditEvent.TAG_REMOVED: _("移除标签"),
    AuditEvent.REGISTRY_EXPORTED: _("导出登记数据"),
    AuditEvent.MEMBERSHIP_GRANTED: _("授予角色"),
    AuditEvent.MEMBERSHIP_REVOKED: _("撤销角色"),
    AuditEvent.API_TOKEN_ISSUED: _("签发接口令牌"),
    AuditEvent.API_TOKEN_REVOKED: _("吊销接口令牌"),
    AuditEvent.CASE_OPENED: _("受理事件"),
    AuditEvent.CASE_DISPATCHED: _("派遣事件"),
    AuditEvent.CASE_ACCEPTED: _("签收事件"),
    AuditEvent.CASE_RETURNED: _("退回事件"),
    AuditEvent.CASE_ARBITRATED: _("裁定事件归属"),
    AuditEvent.CASE_UPDATED: _("更新事件"),
    AuditEvent.CASE_RESOLVED: _("办结事件"),
    AuditEvent.CASE_CLOSED: _("结案"),
    AuditEvent.CASE_RATED: _("评价事件"),
    AuditEvent.CASE_REOPENED: _("重新办理事件"),
    AuditEvent.CASE_MERGED: _("合并事件"),
    AuditEvent.CASE_ESCALATED: _("上报事件"),
    AuditEvent.CASE_SUPERVISED: _("督办事件"),
    AuditEvent.CASE_RECLASSIFIED: _("重新分类事件"),
    AuditEvent.CASE_VIEWED: _("查看事件"),
    AuditEvent.CASE_FOLLOWED: _("关注事件"),
    AuditEvent.CASES_IMPORTED: _("导入事件"),
    AuditEvent.ROUTING_CHANGED: _("修改责任清单"),
    AuditEvent.OPEN_DATA_PUBLISHED: _("发布开放数据"),
    AuditEvent.DATASET_CREATED: _("新建数据目录"),
    AuditEvent.DATASET_UPDATED: _("修改数据目录"),
    AuditEvent.SHARE_REQUESTED: _("申请共享数据"),
    AuditEvent.SHARE_COMPLIANCE_DECIDED: _("共享合规审核"),
    AuditEvent.SHARE_PROVIDER_DECIDED: _("提供方审核"),
    AuditEvent.SHARE_WITHDRAWN: _("撤回共享申请"),
    AuditEvent.SHARE_ESCALATED: _("共享申请超期督办"),
    AuditEvent.GRANT_KEY_ISSUED: _("签发共享密钥"),
    AuditEvent.GRANT_REVOKED: _("撤销共享授权"),
    AuditEvent.SHARED_DATA_ACCESSED: _("调用共享数据"),
    AuditEvent.GRANT_SUSPENDED: _("暂停共享授权"),
    AuditEvent.DATA_ERROR_REPORTED: _("报告数据错误"),
    AuditEvent.DATA_ERROR_ANSWERED: _("答复数据错误"),
    AuditEvent.DATA_ERROR_ESCALATED: _("数据错误超期督办"),
    AuditEvent.OPEN_DATA_FEEDBACK: _("开放数据公众反馈"),
    AuditEvent.WARNING_OPENED: _("发出预警"),
    AuditEvent.WARNING_ACKNOWLEDGED: _("确认预警"),
    AuditEvent.WARNING_CLOSED: _("关闭预警"),
    AuditEvent.RISK_RULE_CHANGED: _("修改预警规则"),
    AuditEvent.RISK_SUBSCRIBED: _("订阅预警"),
    AuditEvent.PLAN_PROPOSED: _("建议启动预案"),
    AuditEvent.PLAN_ADOPTED: _("采纳预案建议"),
    AuditEvent.PLAN_DECLINED: _("不采纳预案建议"),
    AuditEvent.SIGNAL_SUBMITTED: _("接口报送风险信号"),
    AuditEvent.NOTIFICATION_CHOICES_CHANGED: _("修改通知方式"),
    AuditEvent.ENV_ALERT_RAISED: _("发出环境告警"),
    AuditEvent.ENV_ALERT_ACKNOWLEDGED: _("响应环境告警"),
    AuditEvent.ENV_ALERT_CLOSED: _("关闭环境告警"),
    AuditEvent.ENV_RECTIFICATION_SUBMITTED: _("企业提交整改情况"),
    AuditEvent.ENV_RECTIFICATION_REVIEWED: _("审核企业整改"),
    AuditEvent.ENV_TASK_OPENED: _("开立运维任务"),
    AuditEvent.ENV_TASK_CLOSED: _("完成运维任务"),
    AuditEvent.ENV_RULE_CHANGED: _("修改环境预警规则"),
    AuditEvent.KEYS_ROTATED: _("轮换密钥"),
    AuditEvent.DEMO_LOADED: _("加载演示数据"),
    AuditEvent.CONFIG_CHANGED: _("修改配置"),
    AuditEvent.AUDIT_SEARCHED: _("查询审计日志"),
    AuditEvent.AUDIT_PROOF_VIEWED: _("查看包含证明"),
    AuditEvent.AUDIT_CHECKPOINT_EXPORTED: _("下载签名检查点"),
    AuditEvent.ENV_STATION_CREATED: _("新建监测站点"),
    AuditEvent.ENV_STATION_UPDATED: _("修改监测站点"),
    AuditEvent.ENV_STATIONS_EXPORTED: _("导出监测站点"),
    AuditEvent.ENV_DATASTREAM_ADDED: _("添加监测数据流"),
    # environment monitoring: ingest tokens
    AuditEvent.INGEST_TOKEN_CREATED: _("签发环境数据接入令牌"),
    AuditEvent.INGEST_TOKEN_REVOKED: _("吊销环境数据接入令牌"),
    AuditEvent.LAB_RESULTS_IMPORTED: _("导入化验结果"),
}


def label(code: int) -> str:
    """The event's name for people (translated); an unknown code shows as itself."""
    try:
        return str(LABELS[AuditEvent(code)])
    except (ValueError, KeyError):
        return str(code)
