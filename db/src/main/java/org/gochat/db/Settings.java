package org.gochat.db;

import java.time.Duration;
import java.util.Optional;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads GoChat's settings through MicroProfile Config, so a setting can come from an environment
 * variable ({@code GOCHAT_DB_URL}), a system property or a {@code <variable>} of server.xml.
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

    public static String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    public static int getInt(String name, int defaultValue) {
        return get(name).map(Integer::parseInt).orElse(defaultValue);
    }

    /** An ISO-8601 duration ({@code PT15M}) or a number of seconds. */
    public static Duration getDuration(String name, Duration defaultValue) {
        return get(name).map(value -> value.chars().allMatch(Character::isDigit)
                ? Duration.ofSeconds(Long.parseLong(value)) : Duration.parse(value)).orElse(defaultValue);
    }
}
