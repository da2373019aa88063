package io.botdelivery.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a {@link BotDeliveryConfigException} as the property at fault and the action to take, without a stack trace. */
final class BotDeliveryFailureAnalyzer extends AbstractFailureAnalyzer<BotDeliveryConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BotDeliveryConfigException cause) {
        String problem = cause.getMessage().substring(0, cause.getMessage().length() - cause.action().length()).strip();
        return new FailureAnalysis("bot-delivery could not start: " + problem, cause.action(), cause);
    }
}
