"""What the collection service's callers may rely on, framework-free: the five-level grades it gives (published in
`collection.classification_changed`, shown by the loan and finance services), its task stages, channels and
statuses, promise and warning statuses and levels, with their Chinese labels. The gateway's schemas enumerate these
(gateway/schemas/collection.py, gateway/schemas/common.py)."""

# 五级分类, best to worst
GRADES = {"normal": "正常", "special_mention": "关注", "substandard": "次级", "doubtful": "可疑", "loss": "损失"}
STAGES = {"call_sms": "电催/短信", "visit": "外访", "legal": "法务/收车"}
CHANNELS = {"call": "电话", "sms": "短信", "visit": "外访", "letter": "函件"}
TASK_STATUSES = ("open", "closed")
PROMISE_STATUSES = ("pending", "kept", "broken")
LEVELS = {"low": "低", "medium": "中", "high": "高"}
WARNING_STATUSES = ("open", "resolved")
