"""Pieces of the settings page: a colour field, the sites list and small layout helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from carerdesk.services.settings import MAX_LOGO_BYTES
from carerdesk.validation import check_colour

Index = QModelIndex | QPersistentModelIndex


def named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


def side_by_side(*widgets: QWidget | str) -> QWidget:
    """Widgets (or words) side by side; focus goes to the first widget."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for item in widgets:
        layout.addWidget(QLabel(item) if isinstance(item, str) else item)
    layout.addStretch(1)
    box.setFocusProxy(next(w for w in widgets if isinstance(w, QWidget)))
    return box


def spin_box(low: int, high: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setMinimumWidth(110)
    return spin


class ColourField(QWidget):
    """A colour written as #rrggbb, with a swatch and a colour picker."""

    changed = Signal()

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = what
        self.edit = QLineEdit()
        self.edit.setMaxLength(9)
        self.edit.setPlaceholderText("#1d4f91")
        self.edit.setMaximumWidth(140)
        self.swatch = QLabel()
        self.swatch.setFixedSize(56, 28)
        self.swatch.setFrameShape(QFrame.Shape.Box)
        self.swatch.setAccessibleName(f"Sample of the {what}")
        self.button = QPushButton("Choose...")
        self.button.setAccessibleName(f"Choose the {what}")
        self.button.clicked.connect(self.choose)
        self.dialog: QColorDialog | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.edit, self.swatch, self.button):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._show)
        self.edit.textChanged.connect(lambda _: self.changed.emit())

    def value(self) -> str:
        return self.edit.text().strip()

    def set_value(self, colour: str) -> None:
        self.edit.setText(colour)

    def _show(self) -> None:
        try:
            colour = check_colour(self.value())
        except ValueError:
            self.swatch.setStyleSheet("background: transparent;")
            self.swatch.setText(" ?")
            return
        self.swatch.setText("")
        self.swatch.setStyleSheet(f"background: {colour};")

    def choose(self) -> QColorDialog:
        """Open the colour picker without blocking; the choice fills the box."""
        start = QColor(self.value()) if QColor.isValidColorName(self.value()) else QColor()
        dialog = QColorDialog(start, self)
        dialog.setObjectName("colourDialog")
        dialog.setWindowTitle(f"Choose the {self.what}")
        dialog.colorSelected.connect(lambda c: self.set_value(c.name()))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog


class LogoField(QWidget):
    """The scheme's PNG logo: a thumbnail, Choose PNG... and Remove."""

    changed = Signal()
    problem = Signal(str)  # a sentence, or "" once the problem has gone

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: bytes | None = None
        self.preview = QLabel("No logo")
        self.preview.setObjectName("logoPreview")
        self.preview.setFixedSize(160, 80)
        self.preview.setFrameShape(QFrame.Shape.Box)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.choose = named(QPushButton("Choose PNG..."), "logoChoose", "Choose a logo picture")
        self.choose.clicked.connect(self.ask_for_file)
        self.remove = named(QPushButton("Remove"), "logoRemove", "Remove the logo")
        self.remove.clicked.connect(lambda: self.set_value(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.choose, self.remove, self.preview):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setFocusProxy(self.choose)
        self.set_value(None)

    def value(self) -> bytes | None:
        return self._data

    def set_value(self, data: bytes | None) -> None:
        self._data = data
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data, "PNG"):
            self.preview.setPixmap(
                pixmap.scaled(
                    self.preview.width() - 4,
                    self.preview.height() - 4,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("No logo")
        self.remove.setEnabled(data is not None)
        self.changed.emit()

    def ask_for_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the scheme logo", str(Path.home()), "PNG pictures (*.png)"
        )
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        """Show the PNG at ``path``; False (and ``problem``) if it cannot be the logo."""
        try:
            with path.open("rb") as f:
                data = f.read(MAX_LOGO_BYTES + 1)
        except OSError:
            self.problem.emit("That file could not be read")
            return False
        if not data.startswith(b"\x89PNG") or not QPixmap().loadFromData(data, "PNG"):
            self.problem.emit("The logo must be a PNG picture")
            return False
        if len(data) > MAX_LOGO_BYTES:
            self.problem.emit("The logo is too large: at most 512 KB")
            return False
        self.problem.emit("")
        self.set_value(data)
        return True


class SitesModel(QAbstractTableModel):
    """The scheme's sites, read only: (code, name)."""

    def __init__(self, local_code: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.local_code = local_code
        self.sites: list[tuple[str, str]] = []

    def set_sites(self, sites: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self.sites = list(sites)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.sites)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ("Code", "Name")[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        code, name = self.sites[index.row()]
        if index.column() == 0:
            return code
        return f"{name} (this computer)" if code == self.local_code else name
