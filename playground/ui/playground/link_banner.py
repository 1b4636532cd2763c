"""The banner above the kernel editor while the kernels are a network's conv1 ("linked").

While :class:`~playground.ui.network.model_holder.ModelHolder` links conv1 to the Playground's
kernels, every edit here changes that network; the banner says so, names the edited copy, and
offers "Unlink" and "Back to bundled model". It hides itself when the link ends.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.ui.network.model_holder import ModelHolder


class LinkBanner(QFrame):
    """Shows that the kernels are linked to a network's conv1, with buttons to end it."""

    def __init__(self, holder: ModelHolder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.holder = holder
        self.setObjectName("link_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#link_banner { background: #fff4d6; border: 1px solid #e0b252; "
                           "border-radius: 4px; } QLabel { color: #5c4100; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.setToolTip("Stop writing these kernels into the network (it keeps "
                                      "the filters it has now)")
        self.bundled_button = QPushButton("Back to bundled model")
        self.bundled_button.setToolTip("End the link and show the pre-trained network bundled "
                                       "with the app again")
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlink_button)
        buttons.addWidget(self.bundled_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.label)
        lay.addLayout(buttons)
        self.unlink_button.clicked.connect(self._on_unlink_clicked)
        self.bundled_button.clicked.connect(holder.back_to_bundled)
        holder.link_changed.connect(self._on_holder_link_changed)
        holder.model_changed.connect(lambda _model: self._on_holder_link_changed(holder.linked))
        self._on_holder_link_changed(holder.linked)

    def text(self) -> str:
        """What the banner says (empty when hidden)."""
        return self.label.text() if self.holder.linked else ""

    def _on_unlink_clicked(self) -> None:
        self.holder.unlink(f"The kernel editor is no longer linked to {self.holder.title}; "
                           "it keeps the filters it has now.")

    def _on_holder_link_changed(self, linked: bool) -> None:
        if linked:
            self.label.setText(f"<b>Linked to {self.holder.title}</b>: these kernels are its "
                               "conv1, every edit changes that network. Changing their number, "
                               "size or channels ends the link.")
        self.setVisible(linked)
