package io.botdelivery.sender.telegram;

import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import org.telegram.telegrambots.meta.api.methods.send.SendAnimation;
import org.telegram.telegrambots.meta.api.methods.send.SendAudio;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.send.SendVideo;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.media.InputMedia;
import org.telegram.telegrambots.meta.api.objects.media.InputMediaAudio;
import org.telegram.telegrambots.meta.api.objects.media.InputMediaDocument;
import org.telegram.telegrambots.meta.api.objects.media.InputMediaPhoto;
import org.telegram.telegrambots.meta.api.objects.media.InputMediaVideo;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Turns our payloads into TelegramBots calls, and reads file ids back from the messages Telegram returns. */
final class TelegramRequests {
    private TelegramRequests() {
    }

    static TelegramApi.ApiCall<Message> text(long chatId, Payload.Text text, boolean paid) {
        SendMessage method = SendMessage.builder().chatId(Long.toString(chatId)).text(text.text())
                .parseMode(text.parseMode().telegramName()).allowPaidBroadcast(paid ? Boolean.TRUE : null).build();
        return client -> client.execute(method);
    }

    /** One photo, video, animation, document or audio, from {@code source} (the payload's, or a cached file id). */
    static TelegramApi.ApiCall<Message> media(long chatId, Payload.Media media, MediaSource source, boolean paid) {
        String chat = Long.toString(chatId);
        String caption = media.caption();
        String parseMode = caption == null ? null : media.parseMode().telegramName();
        Boolean paidFlag = paid ? Boolean.TRUE : null;
        return switch (media.mediaKind()) {
            case PHOTO -> client -> client.execute(SendPhoto.builder().chatId(chat).photo(inputFile(source))
                    .caption(caption).parseMode(parseMode).allowPaidBroadcast(paidFlag).build());
            case VIDEO -> client -> client.execute(SendVideo.builder().chatId(chat).video(inputFile(source))
                    .caption(caption).parseMode(parseMode).allowPaidBroadcast(paidFlag).build());
            case ANIMATION -> client -> client.execute(SendAnimation.builder().chatId(chat).animation(inputFile(source))
                    .caption(caption).parseMode(parseMode).allowPaidBroadcast(paidFlag).build());
            case DOCUMENT -> client -> client.execute(SendDocument.builder().chatId(chat).document(inputFile(source))
                    .caption(caption).parseMode(parseMode).allowPaidBroadcast(paidFlag).build());
            case AUDIO -> client -> client.execute(SendAudio.builder().chatId(chat).audio(inputFile(source))
                    .caption(caption).parseMode(parseMode).allowPaidBroadcast(paidFlag).build());
        };
    }

    /** An album; {@code sources.get(i)} is where item i comes from. */
    static TelegramApi.ApiCall<List<Message>> album(long chatId, Payload.Album album, List<MediaSource> sources,
                                                    boolean paid) {
        List<InputMedia> medias = new ArrayList<>();
        Set<String> uploadNames = new HashSet<>();
        for (int i = 0; i < album.items().size(); i++) {
            medias.add(inputMedia(album.items().get(i), sources.get(i), i, uploadNames));
        }
        SendMediaGroup method = SendMediaGroup.builder().chatId(Long.toString(chatId)).medias(medias)
                .allowPaidBroadcast(paid ? Boolean.TRUE : null).build();
        return client -> client.execute(method);
    }

    /** The file id Telegram gave the media of a sent message: the largest photo size, or the file itself. */
    static Optional<String> fileIdOf(Message message, Payload.MediaKind kind) {
        return Optional.ofNullable(switch (kind) {
            case PHOTO -> message.getPhoto() == null ? null : message.getPhoto().stream()
                    .max(Comparator.comparingLong(TelegramRequests::photoArea)).map(PhotoSize::getFileId).orElse(null);
            case VIDEO -> message.getVideo() == null ? null : message.getVideo().getFileId();
            case ANIMATION -> message.getAnimation() == null ? null : message.getAnimation().getFileId();
            case DOCUMENT -> message.getDocument() == null ? null : message.getDocument().getFileId();
            case AUDIO -> message.getAudio() == null ? null : message.getAudio().getFileId();
        });
    }

    private static long photoArea(PhotoSize size) {
        long area = (long) nullToZero(size.getWidth()) * nullToZero(size.getHeight());
        return area > 0 ? area : nullToZero(size.getFileSize());
    }

    private static int nullToZero(Integer i) {
        return i == null ? 0 : i;
    }

    private static InputFile inputFile(MediaSource source) {
        if (source instanceof MediaSource.FileId id) {
            return new InputFile(id.id());
        }
        if (source instanceof MediaSource.Url url) {
            return new InputFile(url.url());
        }
        if (source instanceof MediaSource.Bytes bytes) {
            return new InputFile(new ByteArrayInputStream(bytes.content()), bytes.fileName());
        }
        MediaSource.File file = (MediaSource.File) source;
        return new InputFile(file.path().toFile(), file.fileName());
    }

    /**
     * An album item. TelegramBots names an upload's multipart part after its file name, so two uploads with the same
     * name in one album would collide: later ones get a numbered name.
     */
    private static InputMedia inputMedia(Payload.Media item, MediaSource source, int index, Set<String> uploadNames) {
        InputMedia media = switch (item.mediaKind()) {
            case PHOTO -> new InputMediaPhoto("");
            case VIDEO -> new InputMediaVideo("");
            case DOCUMENT -> new InputMediaDocument("");
            case AUDIO -> new InputMediaAudio("");
            case ANIMATION -> throw new IllegalArgumentException("animations cannot be sent in an album");
        };
        if (source instanceof MediaSource.FileId id) {
            media.setMedia(id.id());
        } else if (source instanceof MediaSource.Url url) {
            media.setMedia(url.url());
        } else if (source instanceof MediaSource.Bytes bytes) {
            media.setMedia(new ByteArrayInputStream(bytes.content()), uniqueName(bytes.fileName(), index, uploadNames));
        } else {
            MediaSource.File file = (MediaSource.File) source;
            media.setMedia(file.path().toFile(), uniqueName(file.fileName(), index, uploadNames));
        }
        if (item.caption() != null) {
            media.setCaption(item.caption());
            media.setParseMode(item.parseMode().telegramName());
        }
        return media;
    }

    private static String uniqueName(String fileName, int index, Set<String> taken) {
        String name = taken.contains(fileName) ? (index + 1) + "-" + fileName : fileName;
        taken.add(name);
        return name;
    }
}
