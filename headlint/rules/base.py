"""What every rule file builds on: the Rule record and the related locations of a
finding about a loss. (Rule files import this, never the registry or each other.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from ..records import APPLIED_AGAIN, LOSS_APPLIED, WRAPPER_CALLED, Finding, Fix, Head


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str  # one line, shown by ``headlint rules``
    check: Callable[[Head], Iterable[Finding]]
    # (finding, fixes.Syntax) -> Fix or None; None here: the rule never offers one
    fix: Optional[Callable[..., Optional[Fix]]] = None
    # False: opt-in, run only when selected by code or prefix (``--select HL``), as
    # ruff's RUF100 is not among its default rules
    default: bool = True
    # True: the mistake also makes a loss computed where nothing trains (a validation
    # loss) report a wrong number, so the rule judges those heads too (Head.evaluation)
    on_evaluation: bool = False


def targets_origin(head) -> str:
    """`` (they come from np.normal)``: where the target facts were established, for a
    message; empty when that is not known."""
    return f" (they come from {head.targets.because})" if head.targets.because else ""


def related_loss(head: Head) -> tuple:
    """Where the loss meets the output, and where it was built when elsewhere."""
    from ..records import Related

    related = []
    if head.link is not None and head.link.node is not None:
        # an activation the program's own code applies again (records.Loss kind "reapplied")
        again = head.loss is not None and head.loss.kind == "reapplied"
        related.append(Related(f"{head.loss.applies}{APPLIED_AGAIN}" if again else LOSS_APPLIED, head.link.node))
    if head.loss is not None and head.loss.node is not None and head.loss.node is not getattr(head.link, "node", None):
        related.append(Related("loss created here", head.loss.node))
    through = getattr(head.link, "through", None)
    if through is not None:
        related.append(Related(WRAPPER_CALLED, through[1]))
    passed = getattr(head.link, "passed", None)
    if passed is not None and (through is None or passed[1] is not through[1]):
        related.append(Related(f"passed to {passed[0]} here", passed[1]))
    return tuple(related)


LAYER_APPLIED = "layer applied here"
ACTIVATION_CREATED = "activation created here"
# a finding on an activation module's construction (its dim), naming where forward applies it
ACTIVATION_APPLIED = "activation applied here"


def related_head(head: Head) -> tuple:
    """``related_loss``, after where the activation module was created when it is
    applied elsewhere (``self.softmax = nn.Softmax(dim=1)``, applied in ``forward``):
    the finding is on the application, the line a reader may look for is the other."""
    from ..records import Related

    act = head.activation
    built = () if act is None or act.built is None or act.built is act.node else (Related(ACTIVATION_CREATED, act.built),)
    if act is not None and act.applied is not None and act.applied is not act.node:
        built += (Related(LAYER_APPLIED, act.applied),)  # a raw output: the finding is on the layer's construction
    return built + related_loss(head)


def in_users_loss(head: Head) -> bool:
    """Is the framework loss applied inside the user's own loss (``FocalLoss``,
    ``dice_bce``)? Editing that call changes the user's loss for every caller of
    it, so fixes leave it alone and change only the model's side."""
    return getattr(head.link, "through", None) is not None


def loss_phrase(head: Head) -> str:
    """The loss as a message names it: ``nn.CrossEntropyLoss ({loss_at})``, or, when
    it is applied inside the user's own loss, both: ``FocalLoss ({wrapper_at}), which
    calls F.binary_cross_entropy_with_logits ({loss_at})``."""
    through = getattr(head.link, "through", None)
    name = head.loss.name if head.loss is not None else "the loss"
    if through is None:
        return f"{name} ({{loss_at}})"
    return f"{through[0]} ({{wrapper_at}}), which calls {name} ({{loss_at}})"
