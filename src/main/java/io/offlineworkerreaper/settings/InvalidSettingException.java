package io.offlineworkerreaper.settings;


/**
 * A configuration value that cannot be used. The message always names the key, the rejected value
 * (masked for secrets) and the form that was expected, so an operator can fix it without reading code.
 */
public final class InvalidSettingException extends IllegalArgumentException {

    private final String key;

    public InvalidSettingException(String key, String shownValue, String expected) {
        super("Invalid setting " + key + "=" + shownValue + ": expected " + expected
                + " (set it in config/application.properties, as -D" + key + "=..., or as environment variable "
                + Reader.environmentVariableOf(key) + ")");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
