package io.botdelivery.api;

/**
 * The options Telegram takes on every send method besides the content: markup, silence, forwarding protection, forum
 * topic, link preview, reply target, business connection and message effect. {@link #defaults()} is what Telegram
 * does when none is given.
 *
 * @param replyMarkup          keyboard or reply markup, or {@code null}
 * @param disableNotification  deliver silently
 * @param protectContent       the message cannot be forwarded or saved
 * @param messageThreadId      the forum topic, or {@code null}
 * @param linkPreview          link preview options (text messages only), or {@code null}
 * @param replyParameters      the message to reply to, or {@code null}
 * @param businessConnectionId send on behalf of a business account, or {@code null}
 * @param messageEffectId      a message effect (private chats only; Telegram checks), or {@code null}
 */
public record SendOptions(ReplyMarkup replyMarkup, boolean disableNotification, boolean protectContent,
                          Integer messageThreadId, LinkPreview linkPreview, ReplyParameters replyParameters,
                          String businessConnectionId, String messageEffectId) {

    private static final SendOptions DEFAULTS = new SendOptions(null, false, false, null, null, null, null, null);

    public SendOptions {
        if (messageThreadId != null) {
            InvalidDeliveryException.check(messageThreadId > 0, "payload.options.messageThreadId",
                    "a forum topic id is positive, was " + messageThreadId);
        }
        if (businessConnectionId != null) {
            InvalidDeliveryException.check(!businessConnectionId.isBlank(), "payload.options.businessConnectionId",
                    "must not be blank");
        }
        if (messageEffectId != null) {
            InvalidDeliveryException.check(!messageEffectId.isBlank(), "payload.options.messageEffectId",
                    "must not be blank");
        }
    }

    public static SendOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public boolean isDefault() {
        return equals(DEFAULTS);
    }

    /**
     * Link preview options of a text message.
     *
     * @param disabled         no preview at all
     * @param url              the URL to preview instead of the first one in the text, or {@code null}
     * @param preferSmallMedia shrink the preview's media (not together with {@code preferLargeMedia})
     * @param preferLargeMedia enlarge it
     * @param showAboveText    show the preview above the text
     */
    public record LinkPreview(boolean disabled, String url, boolean preferSmallMedia, boolean preferLargeMedia,
                              boolean showAboveText) {
        public LinkPreview {
            InvalidDeliveryException.check(!(preferSmallMedia && preferLargeMedia), "payload.options.linkPreview",
                    "prefer small or large media, not both");
            if (url != null) {
                InvalidDeliveryException.check(!url.isBlank(), "payload.options.linkPreview.url", "must not be blank");
            }
        }

        public static LinkPreview disabledPreview() {
            return new LinkPreview(true, null, false, false, false);
        }
    }

    /**
     * The message to reply to.
     *
     * @param messageId                the message, in {@code chatId} or the target chat
     * @param chatId                   another chat the message is in, or {@code null} for the target chat
     * @param allowSendingWithoutReply send anyway if the message is gone
     * @param quote                    a part of the message to quote (0 to 1024 characters after entity parsing), or {@code null}
     */
    public record ReplyParameters(long messageId, Long chatId, boolean allowSendingWithoutReply, String quote) {
        public ReplyParameters {
            InvalidDeliveryException.check(messageId > 0, "payload.options.replyParameters.messageId",
                    "a message id is positive, was " + messageId);
            if (chatId != null) {
                InvalidDeliveryException.check(chatId != 0, "payload.options.replyParameters.chatId", "must not be 0");
            }
            if (quote != null) {
                InvalidDeliveryException.check(quote.length() <= 1024, "payload.options.replyParameters.quote",
                        "at most 1024 characters, was " + quote.length());
            }
        }

        public static ReplyParameters to(long messageId) {
            return new ReplyParameters(messageId, null, false, null);
        }
    }

    /** Builds {@link SendOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private ReplyMarkup replyMarkup;
        private boolean disableNotification;
        private boolean protectContent;
        private Integer messageThreadId;
        private LinkPreview linkPreview;
        private ReplyParameters replyParameters;
        private String businessConnectionId;
        private String messageEffectId;

        private Builder(SendOptions from) {
            replyMarkup = from.replyMarkup;
            disableNotification = from.disableNotification;
            protectContent = from.protectContent;
            messageThreadId = from.messageThreadId;
            linkPreview = from.linkPreview;
            replyParameters = from.replyParameters;
            businessConnectionId = from.businessConnectionId;
            messageEffectId = from.messageEffectId;
        }

        public Builder replyMarkup(ReplyMarkup markup) {
            this.replyMarkup = markup;
            return this;
        }

        public Builder silent() {
            return disableNotification(true);
        }

        public Builder disableNotification(boolean disable) {
            this.disableNotification = disable;
            return this;
        }

        public Builder protectContent() {
            return protectContent(true);
        }

        public Builder protectContent(boolean protect) {
            this.protectContent = protect;
            return this;
        }

        public Builder messageThreadId(Integer threadId) {
            this.messageThreadId = threadId;
            return this;
        }

        public Builder linkPreview(LinkPreview preview) {
            this.linkPreview = preview;
            return this;
        }

        public Builder replyTo(long messageId) {
            return replyParameters(ReplyParameters.to(messageId));
        }

        public Builder replyParameters(ReplyParameters parameters) {
            this.replyParameters = parameters;
            return this;
        }

        public Builder businessConnectionId(String id) {
            this.businessConnectionId = id;
            return this;
        }

        public Builder messageEffectId(String id) {
            this.messageEffectId = id;
            return this;
        }

        public SendOptions build() {
            return new SendOptions(replyMarkup, disableNotification, protectContent, messageThreadId, linkPreview,
                    replyParameters, businessConnectionId, messageEffectId);
        }
    }
}
