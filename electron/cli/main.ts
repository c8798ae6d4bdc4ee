/**
 * The `dianjin` command. Conventions: DIANJIN_HOME overrides the data folder; --json makes the last line of stdout
 * one JSON object; errors go to stderr as one clear sentence with a non-zero exit, never a stack trace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { serializeError } from '../shared/errors';
import { runAsk } from './ask';
import { runServe } from './serve';
import { runTraceCheck } from './trace';
import { runDocsAdd, runDocsEmbed, runDocsList, runDocsRemove, runDocsSearch } from './docs';
import { runModelsDownload, runModelsImport, runModelsInspect, runModelsList, runModelsRemove } from './models';
import { runEvalExport, runEvalImport, runEvalList, runEvalResume, runEvalRun, runEvalScore, runEvalSets, runEvalShow } from './eval';
import { runTrainEstimate, runTrainList, runTrainPrepare, runTrainResume, runTrainShow, runTrainSft } from './train';
import { packageVersion } from './runtime';
import { runTrainExport } from './trainExport';
import { runTrainGrpo } from './trainGrpo';

function intArg(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}
function floatArg(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}.`);
    return n;
  };
}

export function fail(message: string, exitCode = 1): never {
  process.stderr.write(`dianjin: ${message.replace(/\s+$/, '')}\n`);
  process.exit(exitCode);
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('dianjin')
    .description('DianJin Workbench: ask DianJin-R1 financial questions offline.')
    .version(packageVersion())
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      // One sentence, in the same form as every other CLI error.
      outputError: (text, write) => write(`dianjin: ${text.replace(/^error: /, '').trim()}\n`),
    });

  program
    .command('ask')
    .description('Ask a question; streams the reasoning (dimmed) and the answer.')
    .argument('<question...>', 'the question (English or Chinese)')
    .option('-m, --model <path>', 'GGUF model file (defaults to the model selected in the app)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .option('--max-tokens <n>', 'most tokens to generate', intArg('--max-tokens', 1, 131072))
    .option('--temperature <t>', 'sampling temperature', floatArg('--temperature', 0, 2))
    .option('--seed <n>', 'sampling seed', intArg('--seed', 0, 2 ** 31 - 1))
    .option('--threads <n>', 'CPU threads (0 = automatic)', intArg('--threads', 0, 256))
    .option('--ctx <n>', 'context size in tokens', intArg('--ctx', 256, 262144))
    .addOption(new Option('--gpu <backend>', 'GPU backend').choices(['auto', 'off', 'cuda', 'metal', 'vulkan']))
    .option('--conversation <id>', 'continue a saved conversation')
    .option('--doc <id>', 'answer from this library document, with citations (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--lora <path>', 'LoRA adapter GGUF applied on top of the model (this question only)')
    .option('--lora-scale <s>', 'how strongly the adapter applies, 0 to 4 (default 1)', floatArg('--lora-scale', 0, 4))
    .option('--engine <url>', 'ask a remote OpenAI-compatible engine (llama-server, vLLM, Ollama…) at this base URL, e.g. http://127.0.0.1:8080/v1; API key from DIANJIN_ENGINE_API_KEY')
    .option('--engine-model <name>', "the remote engine's model name (defaults to its only model)")
    .action(async (words: string[], opts) => {
      process.exitCode = await runAsk(words.join(' '), opts);
    });

  program
    .command('serve')
    .description('Serve the workbench to a browser and the API over HTTP/WebSocket on 127.0.0.1, behind a token.')
    .option('-p, --port <n>', 'port (0 = any free port)', intArg('--port', 0, 65535), 0)
    .option('--token <token>', 'access token (random for each run unless given)')
    .option('-m, --model <path>', 'select this GGUF model')
    .option('--json', 'print {url, port, token} as one JSON line once listening')
    .action(async (opts) => {
      await runServe(opts);
    });

  const docs = program.command('docs').description('The report library: add, list, search and remove reports (PDF, DOCX, XLSX, CSV, HTML, TXT, MD).');
  docs
    .command('add')
    .description('Add reports to the library (progress on stderr); a bad file is reported and the rest still go in.')
    .argument('<files...>', 'report files')
    .option('--json', 'print the batch result as one JSON object on the last line')
    .action(async (files: string[], opts) => {
      process.exitCode = await runDocsAdd(files, opts);
    });
  docs
    .command('list')
    .description('List the reports in the library.')
    .option('--json', 'print a JSON array')
    .action(async (opts) => {
      process.exitCode = await runDocsList(opts);
    });
  docs
    .command('search')
    .description('Search the library (English and Chinese); each hit with its document, page and text.')
    .argument('<query...>', 'what to look for')
    .option('--json', 'print the result as one JSON object')
    .option('--top <n>', 'most hits', intArg('--top', 1, 100), 10)
    .action(async (words: string[], opts) => {
      process.exitCode = await runDocsSearch(words.join(' '), opts);
    });
  docs
    .command('embed')
    .description('Build meaning-search vectors for the library with a GGUF embedding model (hybrid search).')
    .option('-m, --model <path>', 'set the embedding model first (saved in settings)')
    .option('--json', 'print {embedded, failed} as one JSON object')
    .action(async (opts) => {
      process.exitCode = await runDocsEmbed(opts);
    });
  docs
    .command('rm')
    .description('Remove a report from the library.')
    .argument('<id>', 'document id (see `docs list`)')
    .action(async (id: string) => {
      process.exitCode = await runDocsRemove(id);
    });

  const modelsCmd = program.command('models').description('The model library: list, inspect, download (resumable, verified) and remove GGUF models.');
  modelsCmd
    .command('list')
    .description('List the models in the models folder, imported and downloaded ones, and unfinished downloads.')
    .option('--json', 'print {models, downloads} as one JSON object')
    .action(async (opts) => {
      process.exitCode = await runModelsList(opts);
    });
  modelsCmd
    .command('inspect')
    .description("Show a GGUF file's architecture, quantization, context length, chat template and memory estimate.")
    .argument('<path>', 'GGUF file')
    .option('--ctx <n>', 'context size for the memory estimate (default: the load settings)', intArg('--ctx', 256, 262144))
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts) => {
      process.exitCode = await runModelsInspect(file, opts);
    });
  modelsCmd
    .command('download')
    .description('Download a model (progress on stderr); resumes a partial file in the folder; deletes it and fails on a checksum mismatch.')
    .argument('<url>', 'http(s) link to the file (Hugging Face links follow the mirror setting)')
    .option('--sha256 <hex>', 'expected SHA-256 of the file')
    .option('--to <dir>', 'destination folder (default: the models folder)')
    .option('--allow-unverified', 'download even though no SHA-256 is known')
    .option('--json', 'print {path, sha256, verified, sizeBytes} as one JSON object')
    .action(async (url: string, opts) => {
      process.exitCode = await runModelsDownload(url, opts);
    });
  modelsCmd
    .command('import')
    .description('Add a GGUF you already have to the model library (no copy: the path is recorded); a LoRA adapter GGUF needs --base.')
    .argument('<path>', 'GGUF file: a model, or a LoRA adapter')
    .option('--base <model>', 'for a LoRA adapter: the base model GGUF it was trained on (checked against it)')
    .option('--json', 'print the model metadata (or the adapter record) as one JSON object')
    .action(async (file: string, opts) => {
      process.exitCode = await runModelsImport(file, opts);
    });
  modelsCmd
    .command('rm')
    .description('Remove a model: deletes the file if it is in the models folder or was downloaded, otherwise only forgets it.')
    .argument('<path>', 'GGUF file')
    .option('--json', 'print {path, deleted, forgotten} as one JSON object')
    .action(async (file: string, opts) => {
      process.exitCode = await runModelsRemove(file, opts);
    });

  const evalCmd = program.command('eval').description('Benchmarks: score outputs, run FinQA/CFLUE/CCC-style sets on a model or engine, list and export runs.');
  evalCmd
    .command('score')
    .description('Score existing model outputs: FILE is JSONL with id, task (finqa, cflue, ccc, open), reference, output.')
    .argument('<file>', 'JSONL file')
    .option('--json', 'print {items, summary} as one JSON object')
    .action(async (file: string, opts) => {
      process.exitCode = await runEvalScore(file, opts);
    });
  evalCmd
    .command('run')
    .description('Run a set on a local model (optionally with a LoRA adapter) or a remote engine; Ctrl-C pauses, `eval resume` continues.')
    .requiredOption('--set <file|id>', 'a set file (FinQA, CFLUE, DianJin-R1-Data JSON, or JSONL), a set id, or "sample"')
    .option('-m, --model <path>', 'GGUF model file')
    .option('--lora <path>', 'LoRA adapter GGUF applied on top of the model')
    .option('--lora-scale <s>', 'how strongly the adapter applies, 0 to 4 (default 1)', floatArg('--lora-scale', 0, 4))
    .option('--engine <url>', 'a remote OpenAI-compatible engine base URL instead of a local model; API key from DIANJIN_ENGINE_API_KEY')
    .option('--engine-model <name>', "the remote engine's model name (defaults to its only model)")
    .option('--limit <n>', 'run the first N items only', intArg('--limit', 1, 1_000_000))
    .option('--sample <n>', 'run a seeded random sample of N items', intArg('--sample', 1, 1_000_000))
    .option('--seed <n>', 'seed for --sample and sampling (default 42 for sampling)', intArg('--seed', 0, 2 ** 31 - 1))
    .option('--max-tokens <n>', 'most tokens per answer (default 4096)', intArg('--max-tokens', 16, 131072))
    .option('--temperature <t>', 'sampling temperature (default 0.6, as DianJin-R1)', floatArg('--temperature', 0, 2))
    .option('--ctx <n>', 'context size in tokens for a local model', intArg('--ctx', 512, 262144))
    .option('--judge-model <path>', 'grade FinQA and free-text answers with this local GGUF too (results are labelled judged)')
    .option('--judge-engine <url>', 'grade with a remote engine instead (e.g. a GPT-4o-class model, as the paper did)')
    .option('--judge-engine-model <name>', "the judge engine's model name")
    .option('--label <text>', 'name of the run in lists and charts')
    .option('--json', 'print {runId, status, items, summary, stats} as one JSON object')
    .action(async (opts) => {
      process.exitCode = await runEvalRun(opts);
    });
  evalCmd
    .command('resume')
    .description('Continue a paused, failed or interrupted run; finished items are kept.')
    .argument('<run-id>', 'the run (see `dianjin eval list`)')
    .option('--json', 'print the result as one JSON object')
    .action(async (runId: string, opts) => {
      process.exitCode = await runEvalResume(runId, opts);
    });
  evalCmd
    .command('list')
    .description('List evaluation runs (from the app and the CLI).')
    .option('--json', 'print {runs} as one JSON object')
    .action(async (opts) => {
      process.exitCode = await runEvalList(opts);
    });
  evalCmd
    .command('show')
    .description("Show a run's accuracy per task, with confidence intervals.")
    .argument('<run-id>', 'the run')
    .option('--json', 'print {runId, status, items, summary, stats} as one JSON object')
    .action(async (runId: string, opts) => {
      process.exitCode = await runEvalShow(runId, opts);
    });
  evalCmd
    .command('export')
    .description("Export a run's results as JSON or CSV.")
    .argument('<run-id>', 'the run')
    .addOption(new Option('--format <format>', 'file format').choices(['json', 'csv']).default('csv'))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(async (runId: string, opts) => {
      process.exitCode = await runEvalExport(runId, opts);
    });
  evalCmd
    .command('sets')
    .description('List imported evaluation sets.')
    .option('--json', 'print {sets} as one JSON object')
    .action(async (opts) => {
      process.exitCode = await runEvalSets(opts);
    });
  evalCmd
    .command('import')
    .description('Import an evaluation set file (FinQA JSON, CFLUE JSON/JSONL, DianJin-R1-Data JSON, or JSONL with id, task, question, reference).')
    .argument('<file>', 'the set file')
    .option('--name <name>', 'name of the set')
    .option('--json', 'print the set as one JSON object')
    .action(async (file: string, opts) => {
      process.exitCode = await runEvalImport(file, opts);
    });

  // `dianjin train …`: each trainer registers its own subcommand on the one group (found or created here).
  const trainGroup = () =>
    program.commands.find((c) => c.name() === 'train') ?? program.command('train').description('Fine-tuning: train LoRA adapters (SFT, GRPO) and export jobs for GPU clusters.');
  trainGroup()
    .command('export')
    .description('Write a job folder for a GPU cluster: verl (GRPO: JSONL with question, answer, task) or LLaMA-Factory (SFT: JSONL with question, reasoning, answer).')
    .addOption(new Option('--format <format>', 'the trainer').choices(['verl', 'llamafactory']).makeOptionMandatory())
    .requiredOption('--data <file>', 'training data, JSONL')
    .requiredOption('--out <dir>', 'the job folder to write (must be empty unless --force)')
    .option('--model <name-or-path>', 'base model on the cluster, a Hugging Face id or folder (default Qwen/Qwen2.5-7B-Instruct)')
    .option('--force', "write into a folder that has files (the job's files are replaced, others kept)")
    .option('--json', 'print {format, out, files, items, validationItems, errors, warnings} as one JSON object')
    .action(async (opts) => {
      process.exitCode = await runTrainExport(opts);
    });

  trainGroup()
    .command('grpo')
    .description("Train a LoRA adapter with GRPO and DianJin-R1's dual reward (format + accuracy); a line per step on stderr; Ctrl-C pauses (`train resume` continues).")
    .requiredOption('-m, --model <path>', 'base GGUF model (kept frozen)')
    .option('--lora <path>', 'SFT adapter GGUF to start from (also the KL reference)')
    .requiredOption('--data <file>', 'JSONL with question, answer (the reference) and task (finqa, cflue, ccc, open)')
    .option('-o, --out <file>', 'where to write the adapter GGUF (default: <data folder>/adapters/)')
    .option('--group <n>', 'answers sampled per prompt (default 8)', intArg('--group', 2, 64))
    .option('--steps <n>', 'GRPO steps (default 100)', intArg('--steps', 1, 100_000))
    .option('--prompts-per-step <p>', 'prompts per step, each with its group (default 2)', intArg('--prompts-per-step', 1, 64))
    .option('--max-tokens <n>', 'longest sampled answer in tokens (default 1024)', intArg('--max-tokens', 1, 32768))
    .option('--lr <x>', 'learning rate (default 2e-5)', floatArg('--lr', 1e-12, 1))
    .option('--beta <b>', 'KL penalty against the starting adapter (default 0.001; 0 turns it off)', floatArg('--beta', 0, 10))
    .option('--ctx <n>', 'training context in tokens; prompt + answer must fit (default 1024)', intArg('--ctx', 64, 65536))
    .option('--temperature <t>', 'sampling temperature (default 0.6)', floatArg('--temperature', 0.05, 2))
    .option('--top-p <p>', 'nucleus sampling (default 0.95)', floatArg('--top-p', 0.001, 1))
    .option('--rank <r>', 'LoRA rank (default 8)', intArg('--rank', 1, 256))
    .option('--alpha <a>', 'LoRA alpha (default 16)', floatArg('--alpha', 0.001, 1024))
    .option('--seed <n>', 'seed for the adapter, the prompt order and sampling', intArg('--seed', 0, 2 ** 31 - 1))
    .option('--threads <n>', 'CPU threads (0 = automatic)', intArg('--threads', 0, 256))
    .option('--checkpoint-every <n>', 'checkpoint every N steps (default 5)', intArg('--checkpoint-every', 1, 10_000))
    .addOption(new Option('--prompt <style>', "question side: evaluation's DianJin-R1 prompt, or the bare question as the chat asks it (default dianjin)").choices(['dianjin', 'chat']))
    .option('--name <text>', 'name of the job')
    .option('--estimate', 'print the memory (trainer and rollouts) and time this job needs instead of starting it')
    .option('--json', 'print {reward, formatReward, accuracyReward, loss, length, out, …} (with --estimate: the estimate) as one JSON object on the last line')
    .action(async (opts) => {
      process.exitCode = await runTrainGrpo(opts);
    });

  const trainCmd = trainGroup();
  const trainOptions = (command: Command) =>
    command
      .requiredOption('-m, --model <path>', 'base GGUF model (F16 or quantized; kept frozen)')
      .requiredOption('--data <file>', 'JSONL with question, reasoning, answer (optional context)')
      .option('--rank <r>', 'LoRA rank (default 8)', intArg('--rank', 1, 512))
      .option('--alpha <a>', 'LoRA alpha (default 16)', floatArg('--alpha', 0.001, 100000))
      .option('--epochs <e>', 'passes over the data (default 2)', intArg('--epochs', 1, 1000))
      .option('--steps <n>', 'optimizer steps in all, instead of --epochs', intArg('--steps', 1, 10_000_000))
      .option('--lr <x>', 'learning rate (default 1e-4)', floatArg('--lr', 1e-12, 1))
      .option('--ctx <n>', 'context length in tokens (default 2048); longer examples are left out', intArg('--ctx', 32, 131072))
      .option('--threads <n>', 'CPU threads (0 = automatic)', intArg('--threads', 0, 256))
      .option('--seed <n>', 'seed for the adapter and the data order', intArg('--seed', 0, 2 ** 31 - 1))
      .addOption(new Option('--schedule <schedule>', 'learning-rate schedule (default cosine)').choices(['constant', 'cosine', 'linear']))
      .option('--checkpoint-every <n>', 'checkpoint every N steps (default: about 10 per job, and at each epoch end)', intArg('--checkpoint-every', 1, 10_000_000))
      .addOption(new Option('--prompt <style>', 'question side: evaluation\'s DianJin-R1 prompt, or the bare question as the chat asks it').choices(['dianjin', 'chat']));
  trainOptions(trainCmd.command('sft').description('Train a LoRA adapter with SFT; progress on stderr; Ctrl-C pauses (`train resume` continues).'))
    .option('-o, --out <file>', 'where to write the adapter GGUF (default: <data folder>/adapters/)')
    .option('--name <text>', 'name of the job')
    .option('--json', 'print {loss, out, …} as one JSON object on the last line')
    .action(async (opts) => {
      process.exitCode = await runTrainSft(opts);
    });
  trainOptions(trainCmd.command('estimate').description('Memory and time of a job on this machine, and what to change when it does not fit.'))
    .option('--json', 'print the estimate as one JSON object')
    .action(async (opts) => {
      process.exitCode = await runTrainEstimate(opts);
    });
  trainCmd
    .command('prepare')
    .description('Check training data: line-numbered problems, token counts with the model\'s chat template, examples too long for the context.')
    .requiredOption('-m, --model <path>', 'base GGUF model (its vocabulary and chat template)')
    .requiredOption('--data <file>', 'JSONL with question, reasoning, answer (optional context)')
    .option('--ctx <n>', 'context length in tokens (default 2048)', intArg('--ctx', 32, 131072))
    .addOption(new Option('--prompt <style>', 'question side').choices(['dianjin', 'chat']))
    .option('--json', 'print the preview as one JSON object')
    .action(async (opts) => {
      process.exitCode = await runTrainPrepare(opts);
    });
  trainCmd
    .command('resume')
    .description('Continue a paused or failed job from its last checkpoint.')
    .argument('<job-id>', 'the job (see `dianjin train list`)')
    .option('--json', 'print the result as one JSON object')
    .action(async (jobId: string, opts) => {
      process.exitCode = await runTrainResume(jobId, opts);
    });
  trainCmd
    .command('list')
    .description('List training jobs (from the app and the CLI).')
    .option('--json', 'print {jobs} as one JSON object')
    .action(async (opts) => {
      process.exitCode = await runTrainList(opts);
    });
  trainCmd
    .command('show')
    .description("Show a job's state and loss series.")
    .argument('<job-id>', 'the job')
    .option('--json', 'print the job as one JSON object')
    .action(async (jobId: string, opts) => {
      process.exitCode = await runTrainShow(jobId, opts);
    });

  const trace = program.command('trace').description('Check reasoning traces (arithmetic, sources, answer consistency).');
  trace
    .command('check')
    .description('Check traces from a JSONL file: {id, question, reasoning, answer, context?} per line.')
    .argument('<file>', 'JSONL file')
    .option('--json', 'print a JSON array with one object per record as the last line of stdout')
    .action(async (file: string, opts) => {
      process.exitCode = await runTraceCheck(file, opts);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" for commander; they already printed.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') process.exit(0);
      process.exit(error.exitCode || 2);
    }
    fail(serializeError(error).message);
  }
}

process.on('uncaughtException', (error) => fail(serializeError(error).message));
process.on('unhandledRejection', (error) => fail(serializeError(error).message));

void main(process.argv.slice(2));
