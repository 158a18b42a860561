/**
 * docs/asyncapi.yaml for tests: its schemas compiled with ajv (and ajv-formats: the document's
 * `format`s are meant to be checked), and what each message declares of its key, headers and
 * payload.
 */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './cli';

export const ASYNCAPI_FILE = join(ROOT, 'docs/asyncapi.yaml');

interface Ref {
  readonly $ref: string;
}

export interface AsyncApiChannel {
  readonly address: string;
  readonly messages: Readonly<Record<string, Ref>>;
  readonly bindings: {
    readonly kafka: {
      readonly topic: string;
      readonly partitions: number;
      readonly replicas?: number;
      readonly topicConfiguration: { readonly 'cleanup.policy': readonly string[]; readonly 'retention.ms': number };
    };
  };
}

export interface AsyncApiDocument {
  readonly asyncapi: string;
  readonly channels: Readonly<Record<string, AsyncApiChannel>>;
  readonly components: {
    readonly messages: Readonly<Record<string, { readonly name: string; readonly contentType: string }>>;
    readonly schemas: Readonly<Record<string, object>>;
  };
}

/** The parts of a message a Kafka record must match. */
export interface MessageValidators {
  readonly key: ValidateFunction;
  readonly headers: ValidateFunction;
  readonly payload: ValidateFunction;
}

const ID = 'asyncapi.yaml';

export class AsyncApi {
  readonly document: AsyncApiDocument;
  private readonly ajv: Ajv;

  constructor(text: string = readFileSync(ASYNCAPI_FILE, 'utf8')) {
    this.document = parse(text) as AsyncApiDocument;
    // Strict about keywords (a misspelt one would silently check nothing); `components` is the
    // document's own structure, which the schemas' $refs point into.
    this.ajv = new Ajv({ strict: true, strictTypes: false, allowUnionTypes: true, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addKeyword('components');
    this.ajv.addSchema({ $id: ID, components: this.document.components });
  }

  /** A schema of components.schemas. */
  schema(name: string): ValidateFunction {
    if (!(name in this.document.components.schemas)) throw new Error(`no schema ${name} in ${ASYNCAPI_FILE}`);
    return this.compiled(`#/components/schemas/${name}`);
  }

  /** A message of components.messages, by its name. */
  message(name: string): MessageValidators {
    if (!(name in this.document.components.messages)) throw new Error(`no message ${name} in ${ASYNCAPI_FILE}`);
    const at = `#/components/messages/${name}`;
    return {
      key: this.compiled(`${at}/bindings/kafka/key`),
      headers: this.compiled(`${at}/headers`),
      payload: this.compiled(`${at}/payload`),
    };
  }

  /** The names of the messages a channel (by its address) carries. */
  messagesOf(address: string): string[] {
    const channel = Object.values(this.document.channels).find((candidate) => candidate.address === address);
    if (!channel) throw new Error(`no channel at ${address} in ${ASYNCAPI_FILE}`);
    return Object.values(channel.messages).map((ref) => ref.$ref.replace('#/components/messages/', ''));
  }

  private compiled(pointer: string): ValidateFunction {
    const ref = `${ID}${pointer}`;
    const existing = this.ajv.getSchema(ref);
    if (existing) return existing;
    return this.ajv.compile({ $ref: ref });
  }
}
