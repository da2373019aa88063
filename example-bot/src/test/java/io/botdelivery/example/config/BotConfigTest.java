package io.botdelivery.example.config;

import io.botdelivery.api.Redaction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BotConfigTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private static BotConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
        return BotConfig.from(LayeredSettings.load(file, env, flags), env);
    }

    @Nested
    @DisplayName("Layering")
    class Layering {
        @Test
        @DisplayName("with nothing configured every key has its documented default")
        void defaults() {
            BotConfig c = load(null, Map.of(), Map.of());
            assertThat(c.apiUrl()).hasToString("https://api.telegram.org");
            assertThat(c.limiter()).isEqualTo(LimiterChoice.LOCAL);
            assertThat(c.store()).isEqualTo(StoreChoice.MEMORY);
            assertThat(c.budgets().global().permits()).isEqualTo(30);
            assertThat(c.budgets().privateChat().permits()).isEqualTo(1);
            assertThat(c.budgets().groupChat().permits()).isEqualTo(20);
            assertThat(c.budgets().paidBroadcast().permits()).isEqualTo(1000);
            assertThat(c.budgets().global().window()).isEqualTo(java.time.Duration.ofMillis(1050));
            assertThat(c.budgets().privateChat().window()).as("chats keep a wider arrival margin").isEqualTo(java.time.Duration.ofMillis(1250));
            assertThat(c.http().port()).isEqualTo(8080);
            assertThat(c.http().host()).isEqualTo("127.0.0.1");
            assertThat(c.http().metricsToken()).isNull();
            assertThat(c.admins()).isEmpty();
            assertThat(c.catalog().isEmpty()).isTrue();
        }

        @Test
        @DisplayName("the file overrides a default, the environment overrides the file, a flag overrides the environment")
        void precedence() throws IOException {
            Path yml = file("bot.yml", """
                    limiter: redis
                    store: postgres
                    http:
                      port: 9000
                    limits:
                      global-per-second: 25
                    """);
            BotConfig fileOnly = load(yml, Map.of(), Map.of());
            assertThat(fileOnly.limiter()).isEqualTo(LimiterChoice.REDIS);
            assertThat(fileOnly.http().port()).isEqualTo(9000);

            Map<String, String> env = Map.of("BOT_HTTP_PORT", "9100", "BOT_LIMITS_GLOBAL_PER_SECOND", "20");
            BotConfig withEnv = load(yml, env, Map.of());
            assertThat(withEnv.http().port()).isEqualTo(9100);
            assertThat(withEnv.budgets().global().permits()).isEqualTo(20);
            assertThat(withEnv.store()).isEqualTo(StoreChoice.POSTGRES);

            BotConfig withFlag = load(yml, env, Map.of("http.port", "9200"));
            assertThat(withFlag.http().port()).isEqualTo(9200);
            assertThat(withFlag.budgets().global().permits()).isEqualTo(20);
        }

        @Test
        @DisplayName("admins are a YAML list or a comma-separated variable")
        void admins() throws IOException {
            assertThat(load(file("a.yml", "bot:\n  admins: [11, 22]\n"), Map.of(), Map.of()).admins()).containsExactlyInAnyOrder(11L, 22L);
            assertThat(load(null, Map.of("BOT_ADMINS", "33, 44"), Map.of()).admins()).containsExactlyInAnyOrder(33L, 44L);
        }

        @Test
        @DisplayName("products come from the file, with media paths relative to it, and a price the environment can change")
        void products() throws IOException {
            Files.createDirectories(dir.resolve("media"));
            Files.write(dir.resolve("media/1.jpg"), new byte[] {1, 2, 3});
            Files.write(dir.resolve("media/guide.pdf"), new byte[] {4, 5});
            Path yml = file("shop.yml", """
                    products:
                      wallpapers:
                        title: Wallpapers
                        description: Twelve hand-drawn wallpapers
                        price-stars: 50
                        photos: [media/1.jpg, "file-id:AgACAgQAAx0", "https://example.com/2.jpg"]
                        video: https://example.com/clip.mp4
                        document: media/guide.pdf
                    """);
            BotConfig c = load(yml, Map.of("BOT_PRODUCTS_WALLPAPERS_PRICE_STARS", "75"), Map.of());
            Product p = c.catalog().find("wallpapers").orElseThrow();
            assertThat(p.title()).isEqualTo("Wallpapers");
            assertThat(p.priceStars()).isEqualTo(75);
            assertThat(p.photos()).hasSize(3);
            assertThat(p.visualPart().orElseThrow().messageCount()).isEqualTo(4);
            assertThat(p.messageCount()).isEqualTo(6);
        }
    }

    @Test
    @DisplayName("deploy/shop.yml, the replicas' shared file, loads as shipped: every product medium it names exists")
    void deployFileLoads() {
        Path shipped = Path.of("..", "deploy", "shop.yml");
        assertThat(shipped).as("run from the example-bot module").exists();
        BotConfig c = load(shipped, Map.of("BOT_TOKEN", "123456:TEST-token-for-config-only"), Map.of());
        Product p = c.catalog().find("wallpapers").orElseThrow();
        assertThat(p.photos()).hasSize(2);
        assertThat(p.messageCount()).as("an album of two, the guide, the receipt").isEqualTo(4);
        assertThat(c.limiter()).isEqualTo(LimiterChoice.REDIS);
        assertThat(c.store()).isEqualTo(StoreChoice.POSTGRES);
    }

    @Nested
    @DisplayName("A wrong or missing value")
    class Errors {
        @Test
        @DisplayName("names the key, the value, where it came from and what is expected")
        void wrongChoice() {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> load(null, Map.of("BOT_LIMITER", "redsi"), Map.of()));
            assertThat(e.problems()).containsExactly(
                    "limiter: expected local or redis, got 'redsi' (from environment variable BOT_LIMITER)");
        }

        @Test
        @DisplayName("a Redis URL whose path is not a database number is refused at once, not when Redis is first used")
        void redisDatabase() {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> load(null, Map.of("BOT_REDIS_URL", "redis://127.0.0.1:6379/abc"), Map.of()));
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("redis.url: expected a Redis URL whose path is empty or a database number");
            assertThat(load(null, Map.of("BOT_REDIS_URL", "redis://127.0.0.1:6379/3"), Map.of()).redis().url().getPath()).isEqualTo("/3");
        }

        @Test
        @DisplayName("the metrics token comes from the environment and never shows")
        void metricsToken() {
            BotConfig c = load(null, Map.of("BOT_METRICS_TOKEN", "t0ken-value", "BOT_HTTP_HOST", "0.0.0.0"), Map.of());
            assertThat(c.http().metricsToken().value()).isEqualTo("t0ken-value");
            assertThat(c.http().host()).isEqualTo("0.0.0.0");
            assertThat(c.toString()).doesNotContain("t0ken-value");
        }

        @Test
        @DisplayName("never shows a password that a rejected URL carries")
        void rejectedUrlIsMasked() {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> load(null, Map.of("BOT_REDIS_URL", "redis://admin:Sup3rS3cret@my_redis:6379"), Map.of()));
            assertThat(e.problems()).hasSize(1);
            assertThat(e.problems().get(0)).contains("redis://admin:***@my_redis:6379").doesNotContain("Sup3rS3cret");
            assertThat(e.getMessage()).doesNotContain("Sup3rS3cret");
        }

        @Test
        @DisplayName("reports every problem at once, not only the first")
        void allProblems() throws IOException {
            Path yml = file("bad.yml", """
                    store: mysql
                    http:
                      port: 70000
                    bot:
                      api-url: ftp://example.com/path
                      admins: [alice]
                    """);
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yml, Map.of(), Map.of()));
            assertThat(e.problems()).hasSize(4);
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("store: expected memory or postgres, got 'mysql'"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("http.port: expected a whole number from -1 to 65535, got '70000'"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("bot.api-url: expected a URL with scheme"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("bot.admins: expected comma-separated Telegram user ids"));
            assertThat(e.problems()).allSatisfy(p -> assertThat(p).contains("config file " + yml));
        }

        @Test
        @DisplayName("a flag's problem names the flag")
        void flag() {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> load(null, Map.of(), Map.of("engine.max-concurrent-sends", "-1")));
            assertThat(e.problems()).containsExactly(
                    "engine.max-concurrent-sends: expected a whole number from 0 to 1024, got '-1' (from flag --engine-max-concurrent-sends)");
        }

        @Test
        @DisplayName("an unknown key in the file is reported, so a typo is not silently ignored")
        void unknownKey() throws IOException {
            Path yml = file("typo.yml", "limitter: redis\n");
            assertThatThrownBy(() -> load(yml, Map.of(), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("limitter: unknown key in config file " + yml);
        }

        @Test
        @DisplayName("a file that is not YAML is reported with its line")
        void notYaml() throws IOException {
            Path yml = file("broken.yml", "limiter: [local\nstore: memory\n");
            assertThatThrownBy(() -> load(yml, Map.of(), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("is not valid YAML")
                    .hasMessageContaining("line");
        }

        @Test
        @DisplayName("a product whose media file does not exist names the product key and the resolved path")
        void missingMedia() throws IOException {
            Path yml = file("shop.yml", """
                    products:
                      pack:
                        title: Pack
                        price-stars: 10
                        photos: [missing.jpg]
                    """);
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yml, Map.of(), Map.of()));
            assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p)
                    .startsWith("products.pack.photos: expected a file path, an http(s):// URL, or file-id:")
                    .contains(dir.resolve("missing.jpg").toString()));
        }

        @Test
        @DisplayName("a product without a price or title is reported per key")
        void incompleteProduct() throws IOException {
            Path yml = file("shop.yml", "products:\n  pack:\n    video: https://example.com/v.mp4\n");
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yml, Map.of(), Map.of()));
            assertThat(e.problems()).containsExactly(
                    "products.pack.title: missing; expected the invoice title, 1 to 32 characters",
                    "products.pack.price-stars: missing; expected a whole number from 1 to 10000");
        }
    }

    @Nested
    @DisplayName("The bot token")
    class Token {
        @Test
        @DisplayName("comes from BOT_TOKEN")
        void fromEnv() {
            Secret t = BotConfig.botToken(LayeredSettings.load(null, Map.of(), Map.of()), Map.of("BOT_TOKEN", "123456:ABCdef_-x"));
            assertThat(t.value()).isEqualTo("123456:ABCdef_-x");
        }

        @Test
        @DisplayName("comes from the file named by bot.token-file")
        void fromFile() throws IOException {
            Path tokenFile = file("token", "987654:XYZ-abc\n");
            Secret t = BotConfig.botToken(LayeredSettings.load(null, Map.of("BOT_TOKEN_FILE", tokenFile.toString()), Map.of()), Map.of());
            assertThat(t.value()).isEqualTo("987654:XYZ-abc");
        }

        @Test
        @DisplayName("missing: the message says where to put it")
        void missing() {
            assertThatThrownBy(() -> BotConfig.botToken(LayeredSettings.load(null, Map.of(), Map.of()), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("bot token: missing; set the BOT_TOKEN environment variable, or bot.token-file "
                            + "(BOT_TOKEN_FILE, --token-file) to a file holding the token @BotFather gave you");
        }

        @Test
        @DisplayName("a malformed token is refused without showing it")
        void malformed() {
            String secret = "not a token at all";
            assertThatThrownBy(() -> BotConfig.botToken(LayeredSettings.load(null, Map.of(), Map.of()), Map.of("BOT_TOKEN", secret)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("bot token: expected the form")
                    .hasMessageNotContaining(secret);
        }

        @Test
        @DisplayName("never shows in toString or in redacted text")
        void redacted() {
            assertThat(new Secret("123456:ABCdefghijkl")).hasToString("Secret[****]");
            assertThat(Redaction.redact("GET https://api.telegram.org/bot123456:ABCdefghijkl/getMe failed"))
                    .isEqualTo("GET https://api.telegram.org/bot123456:***/getMe failed");
        }
    }

    @Nested
    @DisplayName("Webhook mode")
    class Webhook {
        @Test
        @DisplayName("polling is the default: no webhook")
        void pollingByDefault() {
            BotConfig c = load(null, Map.of(), Map.of());
            assertThat(c.webhookMode()).isFalse();
            assertThat(c.webhook()).isNull();
        }

        @Test
        @DisplayName("bot.updates=webhook reads the URL, where to listen and the secret from BOT_WEBHOOK_SECRET")
        void webhook() throws IOException {
            Path yml = file("bot.yml", """
                    bot:
                      updates: webhook
                    webhook:
                      url: https://shop.example.com/tg/hook
                      port: 9443
                      path: /tg/hook
                    """);
            BotConfig c = load(yml, Map.of("BOT_WEBHOOK_SECRET", "abc_DEF-123"), Map.of());
            assertThat(c.webhookMode()).isTrue();
            assertThat(c.webhook().publicUrl()).hasToString("https://shop.example.com/tg/hook");
            assertThat(c.webhook().host()).isEqualTo("0.0.0.0");
            assertThat(c.webhook().port()).isEqualTo(9443);
            assertThat(c.webhook().path()).isEqualTo("/tg/hook");
            assertThat(c.webhook().secret().value()).isEqualTo("abc_DEF-123");
            assertThat(c.toString()).doesNotContain("abc_DEF-123");
        }

        @Test
        @DisplayName("the secret also comes from webhook.secret-file")
        void secretFromFile() throws IOException {
            Path secret = file("hook-secret", "fromFile_42\n");
            BotConfig c = load(null, Map.of("BOT_UPDATES", "webhook", "BOT_WEBHOOK_URL", "https://shop.example.com/hook",
                    "BOT_WEBHOOK_SECRET_FILE", secret.toString()), Map.of());
            assertThat(c.webhook().secret().value()).isEqualTo("fromFile_42");
            assertThat(c.webhook().path()).isEqualTo("/telegram/webhook");
            assertThat(c.webhook().port()).isEqualTo(8443);
        }

        @Test
        @DisplayName("without a URL and a secret: one line each, saying what to set")
        void missing() {
            ConfigException e = catchThrowableOfType(() -> load(null, Map.of("BOT_UPDATES", "webhook"), Map.of()), ConfigException.class);
            assertThat(e.problems()).containsExactly(
                    "webhook.url: missing; expected a URL such as https://bot.example.com/telegram/webhook (required with "
                            + "bot.updates=webhook; Telegram accepts https only, on port 443, 80, 88 or 8443)",
                    "webhook secret: missing with bot.updates=webhook; set the BOT_WEBHOOK_SECRET environment variable, or "
                            + "webhook.secret-file (BOT_WEBHOOK_SECRET_FILE, --webhook-secret-file) to a file holding it; "
                            + "without it anyone who finds the URL could post fake payments");
        }

        @Test
        @DisplayName("a secret Telegram would refuse is reported without showing it; a bad path, a clashing port and an unknown mode are named")
        void badValues() {
            String secret = "has spaces and $ymbols";
            ConfigException e = catchThrowableOfType(() -> load(null, Map.of("BOT_UPDATES", "webhook",
                    "BOT_WEBHOOK_URL", "https://shop.example.com/hook", "BOT_WEBHOOK_SECRET", secret,
                    "BOT_WEBHOOK_PATH", "no-slash", "BOT_WEBHOOK_PORT", "8080"), Map.of()), ConfigException.class);
            assertThat(e.problems()).containsExactly(
                    "webhook.port: expected a port other than http.port's (8080); the webhook and the ops endpoint are separate servers",
                    "webhook.path: expected a path starting with / made of letters, digits and . _ ~ - /, such as /telegram/webhook, got 'no-slash' (from environment variable BOT_WEBHOOK_PATH)",
                    "webhook secret: expected 1 to 256 characters from A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token; the value is not shown)");
            assertThat(e.getMessage()).doesNotContain(secret);

            ConfigException mode = catchThrowableOfType(() -> load(null, Map.of("BOT_UPDATES", "push"), Map.of()), ConfigException.class);
            assertThat(mode.problems()).singleElement().asString().startsWith("bot.updates: expected polling or webhook, got 'push'");
        }
    }
}
