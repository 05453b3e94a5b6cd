// The operator screens' on-screen keyboard: Qt Virtual Keyboard's own panel, pinyin and
// English, hosted in a QQuickWidget at the bottom of the operator layer (kiosk/ui/keyboard.py).
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Item {
    id: root
    // "zh_CN" (pinyin) or "en_US"; the Python side follows the screen's language.
    property string locale: "zh_CN"
    implicitHeight: panel.height

    onLocaleChanged: VirtualKeyboardSettings.locale = locale

    Component.onCompleted: {
        VirtualKeyboardSettings.activeLocales = ["zh_CN", "en_US"]
        VirtualKeyboardSettings.locale = locale
    }

    // The panel's height follows its width (about 1 : 3.4 in the default style): keep the whole
    // keyboard inside the strip the Python side gives it, centred, with the sides filled.
    Rectangle {
        anchors.fill: parent
        color: "#2b3038"
    }

    InputPanel {
        id: panel
        width: Math.min(root.width, root.height * 3.4)
        anchors.bottom: root.bottom
        anchors.horizontalCenter: root.horizontalCenter
    }

    // For tests: press a key as a finger would (the engine, not a synthetic key event).
    function tap(key, text) {
        InputContext.inputEngine.virtualKeyClick(key, text, 0)
    }
    function candidates() {
        var model = InputContext.inputEngine.wordCandidateListModel
        var words = []
        for (var i = 0; i < model.count; ++i)
            words.push(model.dataAt(i, 0))
        return words
    }
    function choose(index) {
        InputContext.inputEngine.wordCandidateListModel.selectItem(index)
    }
}
