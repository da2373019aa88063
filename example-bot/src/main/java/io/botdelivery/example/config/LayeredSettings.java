package io.botdelivery.example.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The raw configuration: defaults, overridden by the YAML config file, overridden by environment variables, overridden
 * by command-line flags. Values stay text here; {@link BotConfig} turns them into types and reports every bad one.
 */
public final class LayeredSettings {
    private final Map<String, Setting> values;
    private final Path baseDirectory;

    private LayeredSettings(Map<String, Setting> values, Path baseDirectory) {
        this.values = Map.copyOf(values);
        this.baseDirectory = baseDirectory;
    }

    /**
     * Layers the sources.
     *
     * @param configFile the YAML file, or {@code null} for none
     * @param env        the environment (System.getenv() in production)
     * @param flags      values given on the command line, by key name
     * @throws ConfigException if the file cannot be read, is not YAML, or holds unknown keys
     */
    public static LayeredSettings load(Path configFile, Map<String, String> env, Map<String, String> flags) {
        Map<String, Setting> merged = new TreeMap<>();
        for (ConfigKey key : ConfigKeys.ALL) {
            if (key.defaultValue() != null) {
                merged.put(key.name(), new Setting(key.name(), key.defaultValue(), "default"));
            }
        }
        Path base = Path.of("").toAbsolutePath();
        if (configFile != null) {
            base = configFile.toAbsolutePath().getParent();
            merged.putAll(readFile(configFile));
        }
        TreeSet<String> envCandidates = new TreeSet<>(merged.keySet());
        ConfigKeys.ALL.forEach(k -> envCandidates.add(k.name()));
        for (String key : envCandidates) {
            String envName = ConfigKey.envNameOf(key);
            String value = env.get(envName);
            if (value != null) {
                merged.put(key, new Setting(key, value, "environment variable " + envName));
            }
        }
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            ConfigKey key = ConfigKeys.byName(flag.getKey())
                    .orElseThrow(() -> new IllegalArgumentException("not a flag key: " + flag.getKey()));
            merged.put(key.name(), new Setting(key.name(), flag.getValue(), "flag " + key.flagName()));
        }
        return new LayeredSettings(merged, base);
    }

    public Optional<Setting> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Keys present below {@code prefix} (e.g. {@code "products."}), sorted. */
    public List<String> keysUnder(String prefix) {
        return values.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
    }

    /** The directory relative file names are resolved against: the config file's, else the working directory. */
    public Path baseDirectory() {
        return baseDirectory;
    }

    private static Map<String, Setting> readFile(Path file) {
        String source = "config file " + file;
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + " is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        } catch (IOException e) {
            throw new ConfigException(source + " cannot be read: " + e);
        }
        Map<String, Setting> flat = new TreeMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return flat;
        }
        if (!root.isObject()) {
            throw new ConfigException(source + " must hold a YAML mapping of keys, such as 'limiter: local'");
        }
        List<String> problems = new ArrayList<>();
        flatten("", root, source, flat, problems);
        for (String key : flat.keySet()) {
            if (!ConfigKeys.isKnown(key)) {
                problems.add(key + ": unknown key in " + source + " (known keys: see --help; products go below products.<id>. with "
                        + String.join(", ", ConfigKeys.PRODUCT_FIELDS) + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, String source, Map<String, Setting> out, List<String> problems) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), source, out, problems);
            }
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode()) {
                    problems.add(prefix + ": expected a list of plain values in " + source);
                    return;
                }
                items.add(item.asText());
            }
            out.put(prefix, new Setting(prefix, String.join(",", items), source));
        } else if (!node.isNull()) {
            out.put(prefix, new Setting(prefix, node.asText(), source));
        }
    }
}
