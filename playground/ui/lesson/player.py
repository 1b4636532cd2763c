"""The lesson player panel: the scene's title, its text, a "7 / 24" counter and its question.

A thin view: :class:`~playground.ui.lesson.driver.LessonDriver` decides which scene is on show
and calls :meth:`LessonPlayer.show_scene`; the player only displays it and checks answers.
A "reveal" question shows its answer on "Reveal answer"; a "number" or "size" one takes a typed
answer, says ✓ or ✗, and gives the right answer after two wrong tries.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from playground.ui.common import theme as th

GOOD, BAD = "#1b7f3a", "#c62828"
"""Colours of ✓ and ✗ (readable on light and dark backgrounds)."""
MAX_TRIES = 2
"""Wrong typed answers before the right one is shown."""


class LessonPlayer(QWidget):
    """Shows one lesson scene at a time (set by the driver) and its question.

    Signals
    -------
    next_requested, back_requested : the player's own ◀ / ▶ buttons.
    answer_shown : the question's answer was shown (revealed, typed right, or given after misses).
    """

    next_requested = Signal()
    back_requested = Signal()
    answer_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson_label = QLabel()
        self.lesson_label.setWordWrap(True)
        self.counter = QLabel("0 / 0")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.title = QLabel()
        self.title.setWordWrap(True)
        for label in (self.lesson_label, self.title):  # escaped text: shown as rich text, or
            label.setTextFormat(Qt.TextFormat.RichText)  # "&#x27;" would show for a quote
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.reveal_button = QPushButton("Reveal answer")
        self.reveal_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reveal_button.clicked.connect(self.reveal)
        self.answer_edit = QLineEdit()
        self.answer_edit.setPlaceholderText("your answer, then Enter")
        self.answer_edit.returnPressed.connect(self.check_answer)
        self.answer_edit.setWhatsThis(
            "Type your answer to the scene's question (a number such as 768000, or a size such as "
            "3x2) and press Enter: it is checked, and after two misses the right answer is shown.")
        self.check_button = QPushButton("Check")
        self.check_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.check_button.clicked.connect(self.check_answer)
        self.reveal_button.setWhatsThis("Shows the answer the scene keeps hidden.")
        self.check_button.setWhatsThis("Checks the answer typed beside it.")
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.action_note = QLabel()
        self.action_note.setWordWrap(True)
        self.back_button = QPushButton("◀ Back")
        self.next_button = QPushButton("Next ▶")
        for b in (self.back_button, self.next_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(self.back_requested)
        self.next_button.clicked.connect(self.next_requested)

        head = QHBoxLayout()
        head.addWidget(self.lesson_label, 1)
        head.addWidget(self.counter)
        entry = QHBoxLayout()
        entry.addStretch(1)
        entry.addWidget(self.check_button)
        entry.addWidget(self.reveal_button)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(self.title)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.prompt)
        lay.addWidget(self.answer_edit)
        lay.addLayout(entry)
        lay.addWidget(self.answer)
        lay.addWidget(self.action_note)
        lay.addLayout(nav)
        self.question = None
        self.tries = 0
        self.revealed = False
        self._refont()
        th.theme().changed.connect(self._refont)
        self._show_question(None)

    # ---- display --------------------------------------------------------------------------------
    def _refont(self, _percent: int | None = None) -> None:
        base = QApplication.font().pointSizeF()  # (our own font may not have followed it yet)
        # the base font carries the UI scale: at large scales the factors shrink, so that a
        # scene's title and text still fit a 720-pixel-high projector beside the pictures
        big = th.theme().scale >= 150
        for label, factor, bold in ((self.title, 1.4 if big else 1.7, True),
                                    (self.counter, 1.1 if big else 1.2, True),
                                    (self.prompt, 1.1 if big else 1.25, True),
                                    (self.answer, 1.1 if big else 1.25, True)):
            f = label.font()
            f.setPointSizeF(base * factor)
            f.setBold(bold)
            label.setFont(f)
        f = self.text.font()
        f.setPointSizeF(base * (1.15 if big else 1.35))
        self.text.setFont(f)

    def show_scene(self, lesson_title: str, index: int, count: int, scene) -> None:
        """Displays ``scene`` (a LessonScene) as scene ``index`` (0-based) of ``count``."""
        self.lesson_label.setText(html.escape(lesson_title))
        self.counter.setText(f"{index + 1} / {count}")
        # a break after each hyphen: "cross-correlation" at 200 % would set the dock's width
        self.title.setText(html.escape(scene.title).replace("-", "-\u200b"))
        self.text.setHtml(_rich(scene.text))
        self.action_note.setText(action_text(scene.action) if scene.action is not None else "")
        self.action_note.setVisible(scene.action is not None)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)
        self._show_question(scene.question)

    def _show_question(self, question) -> None:
        self.question, self.tries, self.revealed = question, 0, False
        typed = question is not None and question.kind != "reveal"
        self.prompt.setVisible(question is not None)
        self.prompt.setText(question.prompt if question is not None else "")
        self.answer_edit.setVisible(typed)
        self.answer_edit.clear()
        self.answer_edit.setEnabled(True)
        self.check_button.setVisible(typed)
        self.reveal_button.setVisible(question is not None)
        self.reveal_button.setEnabled(True)
        self.answer.clear()
        self.answer.setVisible(False)

    # ---- questions ------------------------------------------------------------------------------
    @property
    def answer_pending(self) -> bool:
        """True while the scene's question is on show and its answer is still hidden."""
        return self.question is not None and not self.revealed

    def reveal(self) -> None:
        """Shows the answer (and ends the question)."""
        if self.question is None:
            return
        self.revealed = True
        self.answer.setText(f"Answer: {self.question.answer}")
        self.answer.setStyleSheet("")
        self.answer.setVisible(True)
        self.reveal_button.setEnabled(False)
        self.answer_edit.setEnabled(False)
        self.answer_shown.emit()

    def check_answer(self) -> bool | None:
        """Checks the typed answer: ✓, or ✗ (with the right answer after two tries)."""
        q = self.question
        if q is None or q.kind == "reveal" or self.revealed:
            return None
        text = self.answer_edit.text()
        if not text.strip():
            return None
        ok = bool(q.check(text))
        self.tries += 1
        self.answer.setVisible(True)
        if ok:
            self.revealed = True
            self.answer.setText(f"✓ {text.strip()} is right.")
            self.answer_edit.setEnabled(False)
            self.reveal_button.setEnabled(False)
        elif self.tries >= MAX_TRIES:
            self.revealed = True
            self.answer.setText(f"✗ {text.strip()} is not it. The answer is {q.answer}.")
            self.answer_edit.setEnabled(False)
            self.reveal_button.setEnabled(False)
        else:
            self.answer.setText(f"✗ {text.strip()} is not it: try again.")
        self.answer.setStyleSheet(f"color: {GOOD if ok else BAD};")
        if self.revealed:
            self.answer_shown.emit()
        return ok


def action_text(action) -> str:
    """What the scene's Action starts, and where to look."""
    if action.kind == "race":
        return (f"Starts a race on the Network tab: the FCNN against {action.model}, "
                f"{action.epochs} epoch(s) each. Watch the two test-accuracy curves.")
    return (f"Starts training {action.model} for {action.epochs} epoch(s) on the Network tab. "
            "Watch the loss fall and the test accuracy climb.")


def _rich(text: str) -> str:
    """A scene's text as HTML: kept as is when it already is HTML, else paragraphs."""
    if "<" in text and ">" in text:
        return text
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paras)
