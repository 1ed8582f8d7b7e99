package org.gochat.db;

import java.time.Duration;
import java.util.Optional;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads GoChat's settings through MicroProfile Config, so a setting can come from an environment
 * variable ({@code GOCHAT_DB_URL}), a system property or a {@code <variable>} of server.xml. This is
 * the programmatic reader of the shared library's static code, which cannot be injected; the
 * services' CDI beans inject their settings ({@code @Inject @ConfigProperty}) instead.
 *
 * <p>Each setting's default is stated once (README, Configuration): server.xml's
 * {@code <variable defaultValue>} for a setting the server configuration itself uses, which the code
 * reads with {@link #require} and no default of its own; the code that reads it for any other.
 */
public final class Settings {

    private Settings() {
    }

    public static Optional<String> get(String name) {
        return ConfigProvider.getConfig(Settings.class.getClassLoader())
                .getOptionalValue(name, String.class)
                .map(String::trim)
                .filter(value -> !value.isEmpty());
    }

    /** A setting whose default server.xml states (so it always has a value in the server). */
    public static String require(String name) {
        return get(name).orElseThrow(() -> new IllegalStateException(
                name + " has no value: server.xml's <variable name=\"" + name + "\" defaultValue=...> is missing"));
    }

    public static String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    public static int getInt(String name, int defaultValue) {
        return get(name).map(Integer::parseInt).orElse(defaultValue);
    }

    /** An ISO-8601 duration ({@code PT15M}) or a number of seconds. */
    public static Duration getDuration(String name, Duration defaultValue) {
        return get(name).map(Settings::duration).orElse(defaultValue);
    }

    /** An ISO-8601 duration ({@code PT15M}) or a number of seconds, as the duration settings are written. */
    public static Duration duration(String value) {
        String v = value.trim();
        return v.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
    }
}
