"""Management review, corrective action and the closing reflection of module 07.

Why: clause 8.6 (Management review of the complaints-handling process, following
ISO 10002:2018) recommends reviews at planned intervals whose inputs are audit results,
complaint analysis, satisfaction results, trends and changes, and whose outputs are decisions
on improvement and resources; 8.7 asks for continual improvement, with corrective action at
its heart. One module per reason to change:

* periods — quarters and date spans of the log;
* content — management-review.yaml: meetings, changes, earlier actions, outputs, a corrective
  action record;
* guide — review-improvement.yaml: module 07's reference tables and reflection prompts;
* pack — the review pack computed from the log, the policy and the audit case of module 06;
* outputs — the outputs template and its checker;
* corrective_action — a record checked against the shape of ISO 9001 10.2;
* effectiveness — whether the action worked, measured on the data;
* reflection — the closing reflection, saved atomically under the learner's work folder.

Facade: the names below are what notebooks, views and the tests use; each is imported from its
module on first use (see :mod:`widgets.core.common.facade`). Modules of this package import
each other by their full path, never through this facade.
"""

from widgets.core.common.facade import lazy_exports

_EXPORTS = {
    "Period": "periods",
    "CHANGE_KINDS": "content",
    "Change": "content",
    "CorrectiveAction": "content",
    "EffectivenessCheck": "content",
    "FILTER_VALUES": "content",
    "INPUTS": "content",
    "MEASURES": "content",
    "PriorAction": "content",
    "REVIEW_FILE": "content",
    "ReviewAction": "content",
    "ReviewContent": "content",
    "ReviewContentError": "content",
    "ReviewMeeting": "content",
    "ReviewOutputs": "content",
    "load_review_content": "content",
    "parse_effectiveness": "content",
    "parse_review_content": "content",
    "GUIDE_FILE": "guide",
    "ImprovementGuide": "guide",
    "Iso9001Link": "guide",
    "LookFor": "guide",
    "ScaledPractice": "guide",
    "load_improvement_guide": "guide",
    "parse_improvement_guide": "guide",
    "AuditInput": "pack",
    "ReviewPack": "pack",
    "SLIP": "pack",
    "build_review_pack": "pack",
    "markdown_table": "pack",
    "satisfaction_shown": "pack",
    "check_outputs": "outputs",
    "outputs_markdown": "outputs",
    "BLAME": "corrective_action",
    "CorrectiveActionCheck": "corrective_action",
    "check_corrective_action": "corrective_action",
    "EffectivenessResult": "effectiveness",
    "apply_filter": "effectiveness",
    "evaluate_effectiveness": "effectiveness",
    "LoadedReflection": "reflection",
    "REFLECTION_FILE": "reflection",
    "REFLECTION_FORMAT": "reflection",
    "load_reflection": "reflection",
    "reflection_path": "reflection",
    "save_reflection": "reflection",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
