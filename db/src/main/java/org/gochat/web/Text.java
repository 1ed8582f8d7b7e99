package org.gochat.web;

/**
 * The one rule for text that users send (message content, client message ids, usernames, emails,
 * room names, posts): no U+0000 and no C0 control character other than tab and newline.
 * PostgreSQL refuses U+0000 in text outright, and the other controls only confuse the people
 * who read the text later.
 */
public final class Text {

    /** What a problem says about a field that breaks the rule. */
    public static final String FORBIDDEN_CONTROL_MESSAGE = "must not contain control characters other than tab and newline";

    private Text() {
    }

    /** Whether {@code text} holds a character this rule forbids; null holds none. */
    public static boolean hasForbiddenControl(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n') {
                return true;
            }
        }
        return false;
    }
}
