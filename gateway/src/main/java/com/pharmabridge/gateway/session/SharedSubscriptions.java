package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.bridge.NatsBridge;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.Subscription;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One NATS subscription per subject for all of this gateway's sessions subscribed to exactly that subject. With a
 * subscription per session, nats-server sent the gateway one copy of each message per device and the gateway parsed
 * each and built each device's envelope from it; now one copy arrives and its envelope is built once, on the NATS
 * thread, then handed to every subscribed session. What a device receives is unchanged.
 */
final class SharedSubscriptions {
    /** Subject to its shared subscription; changed only under this object's lock. */
    private final Map<String, Shared> bySubject = new HashMap<>();

    /** Adds the session to the subject's subscription, subscribing at NATS if it is the first. */
    synchronized Shared join(NatsBridge bridge, String subject, CoreSubscription member) {
        Shared shared = bySubject.get(subject);
        if (shared == null) {
            shared = new Shared(bridge, subject);
            shared.subscription = bridge.subscribe(subject, shared);
            bySubject.put(subject, shared);
        }
        shared.members = append(shared.members, member);
        return shared;
    }

    /** Removes the member (again: nothing); the last one to leave ends the NATS subscription. */
    synchronized void leave(Shared shared, CoreSubscription member) {
        CoreSubscription[] members = shared.members;
        int at = -1;
        for (int i = 0; i < members.length; i++) {
            if (members[i] == member) {
                at = i;
            }
        }
        if (at < 0) {
            return;
        }
        CoreSubscription[] fewer = new CoreSubscription[members.length - 1];
        System.arraycopy(members, 0, fewer, 0, at);
        System.arraycopy(members, at + 1, fewer, at, members.length - at - 1);
        shared.members = fewer;
        if (fewer.length == 0 && bySubject.get(shared.subject) == shared) {
            bySubject.remove(shared.subject);
            shared.bridge.unsubscribe(shared.subscription);
        }
    }

    private static CoreSubscription[] append(CoreSubscription[] members, CoreSubscription member) {
        CoreSubscription[] more = Arrays.copyOf(members, members.length + 1);
        more[members.length] = member;
        return more;
    }

    static final class Shared implements MessageHandler {
        private final NatsBridge bridge;
        private final String subject;
        private Subscription subscription;
        /** Copied on every change, so the NATS thread reads it without a lock. */
        private volatile CoreSubscription[] members = new CoreSubscription[0];

        private Shared(NatsBridge bridge, String subject) {
            this.bridge = bridge;
            this.subject = subject;
        }

        @Override
        public void onMessage(Message message) {
            CoreSubscription[] now = members;
            if (now.length == 0) {
                return;
            }
            String replyTo = Deliveries.replySubject(message, bridge.streams());
            String text = Deliveries.toEnvelope(message, replyTo, null);
            for (CoreSubscription member : now) {
                DeviceSession session = member.session();
                session.onContext(() -> Deliveries.deliver(session, text, replyTo));
            }
        }
    }
}
