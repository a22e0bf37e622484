/**
 * The change event both scripts send: built, signed and posted the same way, so the receiver
 * sees one format whichever script ran.
 *
 * Format (Standard Webhooks): headers webhook-id (the event id), webhook-timestamp (epoch
 * seconds) and webhook-signature "v1,<base64 HMAC-SHA256 over id.timestamp.body>", body the
 * compact JSON of the event. The HMAC key is the API Secret opened with encoding BASE_64: the
 * secret stores the text after "whsec_", so NetSuite and the receiver use the same key bytes.
 *
 * @NApiVersion 2.1
 * @NModuleScope SameAccount
 */
define(['N/https', 'N/crypto', 'N/crypto/random', 'N/encode', 'N/runtime', 'N/log', './mlc_config'],
    (https, crypto, random, encode, runtime, log, config) => {
        const RECORD_TYPES = ['customer', 'vendor', 'contact'];

        /**
         * Saves made by our own integration are not reported: reporting them would echo. The
         * user is only asked for when roles are configured, since an Event Subscriber may run
         * without one.
         */
        const fromOwnIntegration = () => {
            if (runtime.executionContext === runtime.ContextType.REST_WEBSERVICES) {
                return true;
            }
            if (config.skipRoles.length === 0) {
                return false;
            }
            const role = String(runtime.getCurrentUser().role);
            return config.skipRoles.map(String).indexOf(role) !== -1;
        };

        const isoSeconds = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

        const build = (recordType, recordId, eventType) => ({
            event_id: random.generateUUID(),
            account: runtime.accountId,
            record_type: String(recordType).toLowerCase(),
            record_id: String(recordId),
            event_type: eventType,
            occurred_at: isoSeconds(new Date()),
            execution_context: String(runtime.executionContext),
        });

        const signature = (eventId, timestamp, body) => {
            const key = crypto.createSecretKey({
                secret: config.secretScriptId,
                encoding: encode.Encoding.BASE_64,
            });
            const hmac = crypto.createHmac({ algorithm: crypto.HashAlg.SHA256, key: key });
            hmac.update({
                input: eventId + '.' + timestamp + '.' + body,
                inputEncoding: encode.Encoding.UTF_8,
            });
            return 'v1,' + hmac.digest({ outputEncoding: encode.Encoding.BASE_64 });
        };

        /** The https.post options for one event. */
        const request = (event) => {
            const body = JSON.stringify(event);
            const timestamp = String(Math.floor(Date.now() / 1000));
            return {
                url: config.webhookUrl,
                body: body,
                headers: {
                    'Content-Type': 'application/json',
                    'webhook-id': event.event_id,
                    'webhook-timestamp': timestamp,
                    'webhook-signature': signature(event.event_id, timestamp, body),
                },
            };
        };

        /** Log what the receiver answered; a refusal is an administrator's problem, not the user's. */
        const report = (event, response) => {
            if (response.code >= 200 && response.code < 300) {
                log.debug({ title: 'ml-connector event sent', details: event.event_id });
                return;
            }
            const details = 'HTTP ' + response.code + ' ' + String(response.body).slice(0, 300);
            log.error({ title: 'ml-connector event refused ' + event.event_id, details: details });
        };

        const failed = (error) => {
            const details = String((error && (error.name + ': ' + error.message)) || error);
            log.error({ title: 'ml-connector event not sent', details: details });
        };

        /** Post one event and wait (User Event: the platform caps the connect at 5 seconds). */
        const send = (recordType, recordId, eventType) => {
            const event = build(recordType, recordId, eventType);
            report(event, https.post(request(event)));
        };

        /** Post one event without blocking the script's thread (Event Subscriber). */
        const sendAsync = async (recordType, recordId, eventType) => {
            const event = build(recordType, recordId, eventType);
            report(event, await https.post.promise(request(event)));
        };

        /** An Event Subscriber's whole job for one subscribed change; never throws. */
        const onSubscribed = async (options, eventType) => {
            try {
                const recordType = String(options.context.recordType).toLowerCase();
                if (RECORD_TYPES.indexOf(recordType) === -1 || fromOwnIntegration()) {
                    return;
                }
                await sendAsync(recordType, options.payload.recordId, eventType);
            } catch (error) {
                failed(error);
            }
        };

        return { fromOwnIntegration, send, onSubscribed, failed };
    });
