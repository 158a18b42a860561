import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A producer team's code with the official CloudEvents Java SDK: sends IdRegistered events
 * to a topic in the mode given, keyed by organisation, as the SDK's Kafka serializer writes them.
 *
 *   java ProduceCloudEvents <bootstrap> <topic> <structured|binary> <orgId> <eventId>...
 */
public final class ProduceCloudEvents {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    Encoding encoding = "binary".equals(args[2]) ? Encoding.BINARY : Encoding.STRUCTURED;
    String orgId = args[3];

    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
    props.put(CloudEventSerializer.ENCODING_CONFIG, encoding);
    props.put(CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE);
    props.put(ProducerConfig.ACKS_CONFIG, "all");

    try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(props)) {
      for (int i = 4; i < args.length; i++) {
        String eventId = args[i];
        CloudEvent event = CloudEventBuilder.v1()
            .withId(eventId)
            .withSource(URI.create("identity-platform"))
            .withType("IdRegistered")
            .withTime(OffsetDateTime.parse("2025-10-12T09:30:00+09:00"))
            .withDataContentType("application/json")
            .withData(("{\"orgId\":\"" + orgId + "\",\"idId\":\"m-" + eventId + "\"}").getBytes(StandardCharsets.UTF_8))
            .build();
        producer.send(new ProducerRecord<>(topic, orgId, event)).get();
      }
    }
  }
}
