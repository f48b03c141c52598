"""A plan as readable text for the terminal."""

from __future__ import annotations

from .plan import Plan


def summary(plan: Plan) -> str:
    lines = [f"{plan.source or '文稿'}  规划年度 {plan.plan_year}  ({plan.characters} 字)"]
    lines.append(
        f"结构: {len(plan.sections)} 个标题; 目标 {len(plan.targets)} 项; 任务 {len(plan.tasks)} 项"
        f" (可量化 {sum(t.tier == 'measurable' for t in plan.tasks)}); 项目 {len(plan.projects)} 个;"
        f" 单位 {len(plan.units)} 个"
    )
    if plan.targets:
        lines.append("\n预期目标")
        for t in plan.targets:
            lines.append(f"  · {t.indicator}: {t.text}  [{t.measure}, {t.period}]")
    current = None
    lines.append("\n重点任务")
    for n, task in enumerate(plan.tasks, 1):
        if task.section != current:
            current = task.section
            lines.append(f"  【{current or task.part or '其他'}】")
        extras = []
        if task.deadline:
            extras.append(f"时限 {task.deadline.date or task.deadline.text}")
        if task.units:
            extras.append("单位 " + "、".join(task.units))
        if task.quantities:
            extras.append("指标 " + "、".join(q.text for q in task.quantities))
        text = task.text if len(task.text) <= 60 else task.text[:58] + "…"
        lines.append(f"  {n:>3}. {text}" + (f"  ({'; '.join(extras)})" if extras else ""))
    if plan.projects:
        lines.append("\n重点项目")
        lines.extend(f"  · {p}" for p in plan.projects)
    return "\n".join(lines)
