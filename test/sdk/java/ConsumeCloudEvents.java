import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * An invoicing team's code with the official CloudEvents Java SDK: reads `count` events from a
 * topic with the SDK's Kafka deserializer and prints each as a JSON line (its attributes, its
 * key, and its data as the SDK hands it over, parsed).
 *
 *   java ConsumeCloudEvents <bootstrap> <topic> <count>
 */
public final class ConsumeCloudEvents {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "java-sdk-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class);
    int count = Integer.parseInt(args[2]);
    ObjectMapper json = new ObjectMapper();
    long deadline = System.currentTimeMillis() + 60_000;
    int seen = 0;
    try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(args[1]));
      while (seen < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, CloudEvent> record : consumer.poll(Duration.ofMillis(500))) {
          CloudEvent event = record.value();
          ObjectNode line = json.createObjectNode();
          line.put("key", record.key());
          line.put("specversion", event.getSpecVersion().toString());
          line.put("id", event.getId());
          line.put("source", event.getSource().toString());
          line.put("type", event.getType());
          line.put("subject", event.getSubject());
          line.put("time", event.getTime() == null ? null : event.getTime().toInstant().toString());
          line.set("data", json.readTree(new String(event.getData().toBytes(), StandardCharsets.UTF_8)));
          System.out.println(json.writeValueAsString(line));
          seen++;
        }
      }
    }
    if (seen < count) throw new IllegalStateException("read " + seen + " of " + count + " events");
  }
}
