package io.botdelivery.sender.telegram;

import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.api.ReplyMarkup;
import io.botdelivery.api.SendOptions;
import org.telegram.telegrambots.meta.api.methods.CopyMessage;
import org.telegram.telegrambots.meta.api.methods.ForwardMessage;
import org.telegram.telegrambots.meta.api.methods.invoices.SendInvoice;
import org.telegram.telegrambots.meta.api.methods.polls.SendPoll;
import org.telegram.telegrambots.meta.api.methods.send.SendAnimation;
import org.telegram.telegrambots.meta.api.methods.send.SendAudio;
import org.telegram.telegrambots.meta.api.methods.send.SendContact;
import org.telegram.telegrambots.meta.api.methods.send.SendDice;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendLocation;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.send.SendSticker;
import org.telegram.telegrambots.meta.api.methods.send.SendVenue;
import org.telegram.telegrambots.meta.api.methods.send.SendVideo;
import org.telegram.telegrambots.meta.api.methods.send.SendVideoNote;
import org.telegram.telegrambots.meta.api.methods.send.SendVoice;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.LinkPreviewOptions;
import org.telegram.telegrambots.meta.api.objects.LoginUrl;
import org.telegram.telegrambots.meta.api.objects.MessageId;
import org.telegram.telegrambots.meta.api.objects.payments.LabeledPrice;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.polls.input.InputPollOption;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ForceReplyKeyboard;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboard;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.ReplyKeyboardRemove;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.CopyTextButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.KeyboardRow;
import org.telegram.telegrambots.meta.api.objects.webapp.WebAppInfo;
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
import java.util.function.BiConsumer;

/** Turns our payloads into TelegramBots calls, and reads file ids back from the messages Telegram returns. */
final class TelegramRequests {
    private TelegramRequests() {
    }

    static TelegramApi.ApiCall<Message> text(long chatId, Payload.Text text, boolean paid) {
        SendMessage method = SendMessage.builder().chatId(Long.toString(chatId)).text(text.text())
                .parseMode(text.parseMode().telegramName()).build();
        MESSAGE.apply(method, text.options(), paid);
        method.setLinkPreviewOptions(linkPreview(text.options().linkPreview()));
        return client -> client.execute(method);
    }

    /** A location, venue, contact, dice, poll, forward or invoice: the kinds without a file that answer a Message. */
    static TelegramApi.ApiCall<Message> other(long chatId, Payload payload, boolean paid) {
        String chat = Long.toString(chatId);
        SendOptions options = payload.options();
        if (payload instanceof Payload.Location l) {
            SendLocation method = SendLocation.builder().chatId(chat).latitude(l.latitude()).longitude(l.longitude())
                    .horizontalAccuracy(l.horizontalAccuracy()).build();
            LOCATION.apply(method, options, paid);
            return client -> client.execute(method);
        }
        if (payload instanceof Payload.Venue v) {
            SendVenue method = SendVenue.builder().chatId(chat).latitude(v.latitude()).longitude(v.longitude())
                    .title(v.title()).address(v.address()).build();
            VENUE.apply(method, options, paid);
            return client -> client.execute(method);
        }
        if (payload instanceof Payload.Contact c) {
            SendContact method = SendContact.builder().chatId(chat).phoneNumber(c.phoneNumber()).firstName(c.firstName())
                    .lastName(c.lastName()).build();
            CONTACT.apply(method, options, paid);
            return client -> client.execute(method);
        }
        if (payload instanceof Payload.Dice d) {
            SendDice method = SendDice.builder().chatId(chat).emoji(d.emoji()).build();
            DICE.apply(method, options, paid);
            return client -> client.execute(method);
        }
        if (payload instanceof Payload.Forward f) {
            ForwardMessage method = ForwardMessage.builder().chatId(chat).fromChatId(Long.toString(f.fromChatId()))
                    .messageId(Math.toIntExact(f.messageId())).build();
            FORWARD.apply(method, options, false);
            return client -> client.execute(method);
        }
        if (payload instanceof Payload.Invoice i) {
            SendInvoice method = SendInvoice.builder().chatId(chat).title(i.title()).description(i.description())
                    .payload(i.invoicePayload()).currency(i.currency()).providerToken(i.providerToken())
                    .prices(i.prices().stream().map(p -> new LabeledPrice(p.label(), p.amount())).toList())
                    .startParameter(i.startParameter()).photoUrl(i.photoUrl()).build();
            INVOICE.apply(method, options, paid);
            return client -> client.execute(method);
        }
        Payload.Poll p = (Payload.Poll) payload;
        SendPoll method = SendPoll.builder().chatId(chat).question(p.question())
                .options(p.answers().stream().map(InputPollOption::new).toList()).isAnonymous(p.anonymous())
                .allowMultipleAnswers(p.multipleAnswers()).build();
        POLL.apply(method, options, paid);
        return client -> client.execute(method);
    }

    /** One photo, video, animation, document or audio, from {@code source} (the payload's, or a cached file id). */
    static TelegramApi.ApiCall<Message> media(long chatId, Payload.Media media, MediaSource source, boolean paid) {
        String chat = Long.toString(chatId);
        String caption = media.caption();
        String parseMode = caption == null ? null : media.parseMode().telegramName();
        SendOptions o = media.options();
        Boolean spoiler = media.hasSpoiler() ? Boolean.TRUE : null;
        Boolean above = media.showCaptionAboveMedia() ? Boolean.TRUE : null;
        return switch (media.mediaKind()) {
            case PHOTO -> {
                SendPhoto m = SendPhoto.builder().chatId(chat).photo(inputFile(source)).caption(caption)
                        .parseMode(parseMode).hasSpoiler(spoiler).showCaptionAboveMedia(above).build();
                PHOTO.apply(m, o, paid);
                yield client -> client.execute(m);
            }
            case VIDEO -> {
                SendVideo m = SendVideo.builder().chatId(chat).video(inputFile(source)).caption(caption)
                        .parseMode(parseMode).hasSpoiler(spoiler).showCaptionAboveMedia(above).build();
                VIDEO.apply(m, o, paid);
                yield client -> client.execute(m);
            }
            case ANIMATION -> {
                SendAnimation m = SendAnimation.builder().chatId(chat).animation(inputFile(source)).caption(caption)
                        .parseMode(parseMode).hasSpoiler(spoiler).showCaptionAboveMedia(above).build();
                ANIMATION.apply(m, o, paid);
                yield client -> client.execute(m);
            }
            case DOCUMENT -> {
                SendDocument m = SendDocument.builder().chatId(chat).document(inputFile(source)).caption(caption)
                        .parseMode(parseMode).build();
                DOCUMENT.apply(m, o, paid);
                yield client -> client.execute(m);
            }
            case AUDIO -> {
                SendAudio m = SendAudio.builder().chatId(chat).audio(inputFile(source)).caption(caption)
                        .parseMode(parseMode).build();
                AUDIO.apply(m, o, paid);
                yield client -> client.execute(m);
            }
            case VOICE -> {
                SendVoice m = SendVoice.builder().chatId(chat).voice(inputFile(source)).caption(caption)
                        .parseMode(parseMode).build();
                VOICE.apply(m, o, paid);
                yield client -> client.execute(m);
            }
            case STICKER -> {
                SendSticker m = SendSticker.builder().chatId(chat).sticker(inputFile(source)).build();
                STICKER.apply(m, o, paid);
                yield client -> client.execute(m);
            }
            case VIDEO_NOTE -> {
                SendVideoNote m = SendVideoNote.builder().chatId(chat).videoNote(inputFile(source)).build();
                VIDEO_NOTE.apply(m, o, paid);
                yield client -> client.execute(m);
            }
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
        SendMediaGroup method = SendMediaGroup.builder().chatId(Long.toString(chatId)).medias(medias).build();
        ALBUM.apply(method, album.options(), paid);
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
            case STICKER -> message.getSticker() == null ? null : message.getSticker().getFileId();
            case VOICE -> message.getVoice() == null ? null : message.getVoice().getFileId();
            case VIDEO_NOTE -> message.getVideoNote() == null ? null : message.getVideoNote().getFileId();
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
            case ANIMATION, STICKER, VOICE, VIDEO_NOTE -> throw new IllegalArgumentException(
                    item.kind() + " cannot be sent in an album");
        };
        if (media instanceof InputMediaPhoto photo) {
            photo.setHasSpoiler(item.hasSpoiler() ? Boolean.TRUE : null);
            photo.setShowCaptionAboveMedia(item.showCaptionAboveMedia() ? Boolean.TRUE : null);
        } else if (media instanceof InputMediaVideo video) {
            video.setHasSpoiler(item.hasSpoiler() ? Boolean.TRUE : null);
            video.setShowCaptionAboveMedia(item.showCaptionAboveMedia() ? Boolean.TRUE : null);
        }
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

    /**
     * The setters every send method has for the common options. TelegramBots gives its send methods no common type
     * for them, so each method's setters are listed once here and {@link #apply} sets them the same way for all.
     */
    private record CommonSetters<M>(BiConsumer<M, Boolean> disableNotification, BiConsumer<M, Boolean> protectContent,
                                    BiConsumer<M, Integer> messageThreadId, BiConsumer<M, ReplyParameters> replyParameters,
                                    BiConsumer<M, String> businessConnectionId, BiConsumer<M, String> messageEffectId,
                                    BiConsumer<M, ReplyKeyboard> replyMarkup, BiConsumer<M, Boolean> allowPaidBroadcast) {
        /** Sets what differs from Telegram's defaults; defaults stay unset so the request carries only what matters. */
        void apply(M method, SendOptions o, boolean paid) {
            set(disableNotification, method, o.disableNotification() ? Boolean.TRUE : null);
            set(protectContent, method, o.protectContent() ? Boolean.TRUE : null);
            set(messageThreadId, method, o.messageThreadId());
            set(replyParameters, method, TelegramRequests.replyParameters(o.replyParameters()));
            set(businessConnectionId, method, o.businessConnectionId());
            set(messageEffectId, method, o.messageEffectId());
            set(replyMarkup, method, TelegramRequests.replyMarkup(o.replyMarkup()));
            set(allowPaidBroadcast, method, paid ? Boolean.TRUE : null);
        }

        /**
         * A method without the parameter has a null setter; the payload records refuse an option their method lacks,
         * so only null (Telegram's default) can reach one.
         */
        private static <M, V> void set(BiConsumer<M, V> setter, M method, V value) {
            if (setter != null) {
                setter.accept(method, value);
            } else if (value != null) {
                throw new IllegalArgumentException("this Telegram method has no parameter for " + value);
            }
        }
    }

    private static final CommonSetters<SendMessage> MESSAGE = new CommonSetters<>(SendMessage::setDisableNotification,
            SendMessage::setProtectContent, SendMessage::setMessageThreadId, SendMessage::setReplyParameters,
            SendMessage::setBusinessConnectionId, SendMessage::setMessageEffectId, SendMessage::setReplyMarkup,
            SendMessage::setAllowPaidBroadcast);
    private static final CommonSetters<SendPhoto> PHOTO = new CommonSetters<>(SendPhoto::setDisableNotification,
            SendPhoto::setProtectContent, SendPhoto::setMessageThreadId, SendPhoto::setReplyParameters,
            SendPhoto::setBusinessConnectionId, SendPhoto::setMessageEffectId, SendPhoto::setReplyMarkup,
            SendPhoto::setAllowPaidBroadcast);
    private static final CommonSetters<SendVideo> VIDEO = new CommonSetters<>(SendVideo::setDisableNotification,
            SendVideo::setProtectContent, SendVideo::setMessageThreadId, SendVideo::setReplyParameters,
            SendVideo::setBusinessConnectionId, SendVideo::setMessageEffectId, SendVideo::setReplyMarkup,
            SendVideo::setAllowPaidBroadcast);
    private static final CommonSetters<SendAnimation> ANIMATION = new CommonSetters<>(SendAnimation::setDisableNotification,
            SendAnimation::setProtectContent, SendAnimation::setMessageThreadId, SendAnimation::setReplyParameters,
            SendAnimation::setBusinessConnectionId, SendAnimation::setMessageEffectId, SendAnimation::setReplyMarkup,
            SendAnimation::setAllowPaidBroadcast);
    private static final CommonSetters<SendDocument> DOCUMENT = new CommonSetters<>(SendDocument::setDisableNotification,
            SendDocument::setProtectContent, SendDocument::setMessageThreadId, SendDocument::setReplyParameters,
            SendDocument::setBusinessConnectionId, SendDocument::setMessageEffectId, SendDocument::setReplyMarkup,
            SendDocument::setAllowPaidBroadcast);
    private static final CommonSetters<SendAudio> AUDIO = new CommonSetters<>(SendAudio::setDisableNotification,
            SendAudio::setProtectContent, SendAudio::setMessageThreadId, SendAudio::setReplyParameters,
            SendAudio::setBusinessConnectionId, SendAudio::setMessageEffectId, SendAudio::setReplyMarkup,
            SendAudio::setAllowPaidBroadcast);
    private static final CommonSetters<SendVoice> VOICE = new CommonSetters<>(SendVoice::setDisableNotification,
            SendVoice::setProtectContent, SendVoice::setMessageThreadId, SendVoice::setReplyParameters,
            SendVoice::setBusinessConnectionId, SendVoice::setMessageEffectId, SendVoice::setReplyMarkup,
            SendVoice::setAllowPaidBroadcast);
    private static final CommonSetters<SendSticker> STICKER = new CommonSetters<>(SendSticker::setDisableNotification,
            SendSticker::setProtectContent, SendSticker::setMessageThreadId, SendSticker::setReplyParameters,
            SendSticker::setBusinessConnectionId, SendSticker::setMessageEffectId, SendSticker::setReplyMarkup,
            SendSticker::setAllowPaidBroadcast);
    private static final CommonSetters<SendVideoNote> VIDEO_NOTE = new CommonSetters<>(SendVideoNote::setDisableNotification,
            SendVideoNote::setProtectContent, SendVideoNote::setMessageThreadId, SendVideoNote::setReplyParameters,
            SendVideoNote::setBusinessConnectionId, SendVideoNote::setMessageEffectId, SendVideoNote::setReplyMarkup,
            SendVideoNote::setAllowPaidBroadcast);
    /** sendMediaGroup takes no reply markup (the payload refuses one); the setter is left out. */
    private static final CommonSetters<SendMediaGroup> ALBUM = new CommonSetters<>(SendMediaGroup::setDisableNotification,
            SendMediaGroup::setProtectContent, SendMediaGroup::setMessageThreadId, SendMediaGroup::setReplyParameters,
            SendMediaGroup::setBusinessConnectionId, SendMediaGroup::setMessageEffectId, null,
            SendMediaGroup::setAllowPaidBroadcast);
    private static final CommonSetters<SendLocation> LOCATION = new CommonSetters<>(SendLocation::setDisableNotification,
            SendLocation::setProtectContent, SendLocation::setMessageThreadId, SendLocation::setReplyParameters,
            SendLocation::setBusinessConnectionId, SendLocation::setMessageEffectId, SendLocation::setReplyMarkup,
            SendLocation::setAllowPaidBroadcast);
    private static final CommonSetters<SendVenue> VENUE = new CommonSetters<>(SendVenue::setDisableNotification,
            SendVenue::setProtectContent, SendVenue::setMessageThreadId, SendVenue::setReplyParameters,
            SendVenue::setBusinessConnectionId, SendVenue::setMessageEffectId, SendVenue::setReplyMarkup,
            SendVenue::setAllowPaidBroadcast);
    private static final CommonSetters<SendContact> CONTACT = new CommonSetters<>(SendContact::setDisableNotification,
            SendContact::setProtectContent, SendContact::setMessageThreadId, SendContact::setReplyParameters,
            SendContact::setBusinessConnectionId, SendContact::setMessageEffectId, SendContact::setReplyMarkup,
            SendContact::setAllowPaidBroadcast);
    private static final CommonSetters<SendDice> DICE = new CommonSetters<>(SendDice::setDisableNotification,
            SendDice::setProtectContent, SendDice::setMessageThreadId, SendDice::setReplyParameters,
            SendDice::setBusinessConnectionId, SendDice::setMessageEffectId, SendDice::setReplyMarkup,
            SendDice::setAllowPaidBroadcast);
    private static final CommonSetters<SendPoll> POLL = new CommonSetters<>(SendPoll::setDisableNotification,
            SendPoll::setProtectContent, SendPoll::setMessageThreadId, SendPoll::setReplyParameters,
            SendPoll::setBusinessConnectionId, SendPoll::setMessageEffectId, SendPoll::setReplyMarkup,
            SendPoll::setAllowPaidBroadcast);

    /** copyMessage has no business connection; Telegram answers only the new message's id. */
    private static final CommonSetters<CopyMessage> COPY = new CommonSetters<>(CopyMessage::setDisableNotification,
            CopyMessage::setProtectContent, CopyMessage::setMessageThreadId, CopyMessage::setReplyParameters,
            null, CopyMessage::setMessageEffectId, CopyMessage::setReplyMarkup, CopyMessage::setAllowPaidBroadcast);
    /** forwardMessage takes no markup, reply, business connection or paid broadcast (the payload and request refuse them). */
    private static final CommonSetters<ForwardMessage> FORWARD = new CommonSetters<>(ForwardMessage::setDisableNotification,
            ForwardMessage::setProtectContent, ForwardMessage::setMessageThreadId, null, null,
            ForwardMessage::setMessageEffectId, null, null);
    /** sendInvoice takes only an inline keyboard (the payload refuses others) and no business connection. */
    private static final CommonSetters<SendInvoice> INVOICE = new CommonSetters<>(SendInvoice::setDisableNotification,
            SendInvoice::setProtectContent, SendInvoice::setMessageThreadId, SendInvoice::setReplyParameters, null,
            SendInvoice::setMessageEffectId, (m, k) -> m.setReplyMarkup((InlineKeyboardMarkup) k),
            SendInvoice::setAllowPaidBroadcast);

    static TelegramApi.ApiCall<MessageId> copy(long chatId, Payload.Copy copy, boolean paid) {
        CopyMessage method = CopyMessage.builder().chatId(Long.toString(chatId))
                .fromChatId(Long.toString(copy.fromChatId())).messageId(Math.toIntExact(copy.messageId()))
                .caption(copy.caption()).parseMode(copy.caption() == null ? null : copy.parseMode().telegramName())
                .showCaptionAboveMedia(trueOrNull(copy.showCaptionAboveMedia())).build();
        COPY.apply(method, copy.options(), paid);
        return client -> client.execute(method);
    }

    static ReplyKeyboard replyMarkup(ReplyMarkup markup) {
        if (markup == null) {
            return null;
        }
        if (markup instanceof ReplyMarkup.InlineKeyboard inline) {
            return new InlineKeyboardMarkup(inline.rows().stream()
                    .map(row -> new InlineKeyboardRow(row.stream().map(TelegramRequests::inlineButton).toList()))
                    .toList());
        }
        if (markup instanceof ReplyMarkup.ReplyKeyboard keyboard) {
            List<KeyboardRow> rows = keyboard.rows().stream()
                    .map(row -> new KeyboardRow(row.stream().map(TelegramRequests::keyboardButton).toList())).toList();
            return ReplyKeyboardMarkup.builder().keyboard(rows).resizeKeyboard(trueOrNull(keyboard.resize()))
                    .oneTimeKeyboard(trueOrNull(keyboard.oneTime())).selective(trueOrNull(keyboard.selective()))
                    .inputFieldPlaceholder(keyboard.inputFieldPlaceholder()).isPersistent(trueOrNull(keyboard.persistent()))
                    .build();
        }
        if (markup instanceof ReplyMarkup.RemoveKeyboard remove) {
            return ReplyKeyboardRemove.builder().removeKeyboard(true).selective(trueOrNull(remove.selective())).build();
        }
        ReplyMarkup.ForceReply force = (ReplyMarkup.ForceReply) markup;
        return ForceReplyKeyboard.builder().forceReply(true).selective(trueOrNull(force.selective()))
                .inputFieldPlaceholder(force.inputFieldPlaceholder()).build();
    }

    private static InlineKeyboardButton inlineButton(ReplyMarkup.InlineButton b) {
        InlineKeyboardButton.InlineKeyboardButtonBuilder<?, ?> builder = InlineKeyboardButton.builder().text(b.text());
        switch (b.action()) {
            case URL -> builder.url(b.value());
            case CALLBACK_DATA -> builder.callbackData(b.value());
            case WEB_APP -> builder.webApp(new WebAppInfo(b.value()));
            case LOGIN_URL -> builder.loginUrl(new LoginUrl(b.value()));
            case SWITCH_INLINE_QUERY -> builder.switchInlineQuery(b.value());
            case SWITCH_INLINE_QUERY_CURRENT_CHAT -> builder.switchInlineQueryCurrentChat(b.value());
            case COPY_TEXT -> builder.copyText(new CopyTextButton(b.value()));
            case PAY -> builder.pay(true);
        }
        return builder.build();
    }

    private static KeyboardButton keyboardButton(ReplyMarkup.KeyboardButton b) {
        return KeyboardButton.builder().text(b.text())
                .requestContact(b.request() == ReplyMarkup.KeyboardButton.Request.CONTACT ? Boolean.TRUE : null)
                .requestLocation(b.request() == ReplyMarkup.KeyboardButton.Request.LOCATION ? Boolean.TRUE : null)
                .build();
    }

    private static ReplyParameters replyParameters(SendOptions.ReplyParameters r) {
        if (r == null) {
            return null;
        }
        return ReplyParameters.builder().messageId(Math.toIntExact(r.messageId()))
                .chatId(r.chatId() == null ? null : Long.toString(r.chatId()))
                .allowSendingWithoutReply(trueOrNull(r.allowSendingWithoutReply())).quote(r.quote()).build();
    }

    private static LinkPreviewOptions linkPreview(SendOptions.LinkPreview p) {
        if (p == null) {
            return null;
        }
        return new LinkPreviewOptions(trueOrNull(p.disabled()), p.url(), trueOrNull(p.preferSmallMedia()),
                trueOrNull(p.preferLargeMedia()), trueOrNull(p.showAboveText()));
    }

    private static Boolean trueOrNull(boolean b) {
        return b ? Boolean.TRUE : null;
    }
}
