package io.botdelivery.example.broadcast;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ChatListTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("valid ids are kept in file order; comments and blank lines are ignored; bad lines are reported with their number")
    void readsAndReports() throws IOException {
        Path file = dir.resolve("chats.txt");
        Files.writeString(file, """
                # newsletter subscribers
                1001
                  1002\s

                -1001234567890
                alice
                0
                12.5
                1001
                99999999999999999999
                1003
                """);
        ChatList list = ChatList.read(file);
        assertThat(list.chatIds()).containsExactly(1001L, 1002L, -1001234567890L, 1003L);
        assertThat(list.badLines()).extracting(ChatList.BadLine::lineNumber).containsExactly(6, 7, 8, 9, 10);
        assertThat(list.badLines().get(0)).hasToString("line 6: 'alice' is not a chat id (expected a whole number such as 123456789 or -1001234567890)");
        assertThat(list.badLines().get(1).reason()).isEqualTo("is not a chat id (0 is no chat)");
        assertThat(list.badLines().get(3).reason()).isEqualTo("repeats line 2 (sent once)");
    }

    @Test
    @DisplayName("an empty file is an empty list, not an error")
    void empty() throws IOException {
        Path file = Files.writeString(dir.resolve("empty.txt"), "");
        ChatList list = ChatList.read(file);
        assertThat(list.chatIds()).isEmpty();
        assertThat(list.badLines()).isEmpty();
    }
}
