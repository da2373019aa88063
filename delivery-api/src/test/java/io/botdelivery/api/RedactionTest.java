package io.botdelivery.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Redaction")
class RedactionTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "123456789:AAEabcdefghijklmnop | 123456789:***",
            "no-colon                      | :***",
    })
    @DisplayName("a token keeps its bot id only")
    void masksToken(String token, String expected) {
        assertThat(Redaction.maskToken(token)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "GET https://api.telegram.org/bot123456:ABCdefghijkl/getMe failed | GET https://api.telegram.org/bot123456:***/getMe failed",
            "redis://admin:Sup3rS3cret@my_redis:6379                          | redis://admin:***@my_redis:6379",
            "redis://Sup3rS3cret@my_redis:6379/0                              | redis://***@my_redis:6379/0",
            "jdbc:postgresql://db:5432/bot?user=bot&password=hunter2&ssl=true | jdbc:postgresql://db:5432/bot?user=bot&password=***&ssl=true",
            "expected host:port, got 'redis://a:b@h:1' and 'http://u:p@x'      | expected host:port, got 'redis://a:***@h:1' and 'http://u:***@x'",
            "http://localhost:8081/bot/path?x=1                               | http://localhost:8081/bot/path?x=1",
    })
    @DisplayName("text loses every token-shaped string and every password in a URL, and nothing else")
    void redactsText(String text, String expected) {
        assertThat(Redaction.redact(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "url-encoded secret ABCdefghijkl%3A here | url-encoded secret ***%3A here",
            "/bot42:ABCdefghijkl/sendMessage          | /bot42:***/sendMessage",
    })
    @DisplayName("a known token is caught even where it is not token-shaped")
    void redactsKnownToken(String text, String expected) {
        assertThat(Redaction.redact(text, "42:ABCdefghijkl")).isEqualTo(expected);
    }
}
