package com.pharmabridge.sdk;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every lifecycle event, for assertions. */
final class RecordingListener implements ConnectionListener {
    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(Event event, String detail) {
        events.add(event);
    }
}
