/*
 * The local console: one page over this endpoint's own API (POST /, as any SDK calls it), so that what it shows and
 * what its buttons do obey the same rules as every client. Each view has its own URL (#/..., with the account's
 * access key, the pipeline, the run and the filters in it), so a link shows what you saw. Drawn with vis-timeline
 * (the runs) and cytoscape (the definition's graph), served from this endpoint: it works offline.
 * Every value from the API is put in the page as text (textContent), never as markup.
 */
'use strict';

const REFRESH_MS = 2000;
/** Bounds on what one view reads: pages of pipelines, of instances, and attempts of an instance. */
const MAX_PIPELINE_PAGES = 10;
const MAX_INSTANCE_PAGES = 5;
const MAX_ATTEMPTS_SHOWN = 10;
const KEY_PATTERN = /^[A-Za-z0-9_.@+=-]{1,128}$/;
const FINAL = new Set(['FINISHED', 'FAILED', 'CASCADE_FAILED', 'CANCELED', 'TIMEDOUT', 'SKIPPED', 'MARK_FINISHED']);

// ---------------------------------------------------------------- the page's parts

/** An element: h('a', { href, class, onclick }, ...children); children are nodes or text. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'value') el.value = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces the element's children; like h(), it takes nodes, text and lists of them, and skips empty ones. */
function fill(el, ...children) {
  el.replaceChildren(
    ...children
      .flat(Infinity)
      .filter((c) => c !== undefined && c !== null && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
}

/** An object's fields, a row each (a reference shown as `-> id`). */
const fieldsTable = (fields) =>
  h(
    'table',
    { class: 'fields' },
    fields.map((f) => h('tr', {}, h('td', {}, f.key), h('td', { class: 'mono' }, f.stringValue !== undefined ? f.stringValue : `-> ${f.refValue}`))),
  );

const badge = (status) => (status ? h('span', { class: `badge st-${status}`, 'data-status': status }, status) : h('span', { class: 'muted' }, '-'));

function showError(err) {
  const box = document.getElementById('error');
  if (!err) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  box.hidden = false;
  box.textContent = err.type ? `${err.type}: ${err.message}` : String(err.message || err);
}

// ---------------------------------------------------------------- the API

class ApiError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

/** Calls the API as the chosen account: the local endpoint takes the access key of the Authorization header. */
async function api(operation, input) {
  const headers = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': operation.includes('.') ? operation : `DataPipeline.${operation}` };
  const key = currentRoute().key;
  if (key) headers.Authorization = `AWS4-HMAC-SHA256 Credential=${key}/19700101/us-east-1/datapipeline/aws4_request, SignedHeaders=host, Signature=console`;
  const res = await fetch('/', { method: 'POST', headers, body: JSON.stringify(input) });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(body.__type || `HTTP ${res.status}`, body.message || res.statusText);
  return body;
}

const fieldOf = (object, key) => {
  const f = (object.fields || []).find((x) => x.key === key);
  return f ? (f.stringValue !== undefined ? f.stringValue : f.refValue) : undefined;
};
const fieldsOf = (object, key) => (object.fields || []).filter((x) => x.key === key).map((x) => (x.stringValue !== undefined ? x.stringValue : x.refValue));

/** DescribeObjects of many ids, 100 a call. */
async function describeAll(pipelineId, ids) {
  const out = [];
  for (let i = 0; i < ids.length; i += 100) {
    const page = await api('DescribeObjects', { pipelineId, objectIds: ids.slice(i, i + 100), evaluateExpressions: false });
    out.push(...page.pipelineObjects);
  }
  return out;
}

// ---------------------------------------------------------------- routes: #/view/id?key=...&filters

function currentRoute() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const decode = (part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part; // a malformed escape: taken as written (it names nothing)
    }
  };
  const parts = path.split('/').filter(Boolean).map(decode);
  const key = params.get('key') || '';
  return { view: parts[0] || 'pipelines', id: parts[1], params, key: KEY_PATTERN.test(key) ? key : '', badKey: key !== '' && !KEY_PATTERN.test(key) };
}

/** The URL of a view: the current account's key kept unless `params.key` says otherwise. */
function linkTo(view, id, params = {}) {
  const p = new URLSearchParams();
  const key = 'key' in params ? params.key : currentRoute().key;
  if (key) p.set('key', key);
  for (const [name, value] of Object.entries(params)) if (name !== 'key' && value) p.set(name, value);
  const query = p.toString();
  return `#/${view === 'pipelines' ? '' : view}${id ? `/${encodeURIComponent(id)}` : ''}${query ? `?${query}` : ''}`;
}

/** Changes one or more parameters of the current view (a filter, the selected instance). */
function setParams(changes) {
  const r = currentRoute();
  const params = Object.fromEntries(r.params.entries());
  Object.assign(params, changes);
  location.hash = linkTo(r.view, r.id, params);
}

// ---------------------------------------------------------------- the views

let mounted; // { view, id, key, controller: { live, refresh(route, current) } }
let timer;
let refreshes = 0; // a refresh renders only while it is the latest one (a click or a filter starts another)
let actionError; // an action's refusal stays on screen until the next action or view

async function render() {
  clearTimeout(timer);
  const r = currentRoute();
  document.getElementById('account-key').value = r.key;
  document.getElementById('account-shown').textContent = r.key ? '' : 'unsigned calls: account 000000000000';
  document.getElementById('nav-pipelines').href = linkTo('pipelines');
  document.getElementById('nav-runners').href = linkTo('runners');
  document.getElementById('nav-pipelines').classList.toggle('current', r.view === 'pipelines');
  document.getElementById('nav-runners').classList.toggle('current', r.view === 'runners');
  const same = mounted && mounted.view === r.view && mounted.id === r.id && mounted.key === r.key;
  if (!same) {
    actionError = undefined;
    const view = document.getElementById('view');
    fill(view);
    const make = { pipelines: pipelinesView, pipeline: pipelineView, runners: runnersView }[r.view];
    mounted = make ? { view: r.view, id: r.id, key: r.key, controller: make(view, r) } : undefined;
    if (!mounted) view.append(h('p', {}, 'No such view. ', h('a', { href: linkTo('pipelines') }, 'Pipelines')));
  }
  await refresh();
}

/** Errors after which the view has nothing more to show: it stops refreshing. */
const GONE = new Set(['PipelineNotFoundException', 'PipelineDeletedException']);

async function refresh() {
  clearTimeout(timer);
  if (!mounted) return;
  const at = mounted;
  const token = ++refreshes;
  const current = () => token === refreshes && at === mounted;
  let gone = false;
  try {
    await at.controller.refresh(currentRoute(), current);
    if (current())
      showError(
        actionError ||
          (currentRoute().badKey
            ? new Error('The access key in this link is not valid (1 to 128 letters, digits or _.@+=-): showing the unsigned account.')
            : undefined),
      );
    document.body.dataset.loaded = String(Date.now());
  } catch (err) {
    if (current()) showError(err);
    gone = GONE.has(err.type);
  }
  if (current() && at.controller.live && !gone) timer = setTimeout(refresh, REFRESH_MS);
}

/** An action's button: runs `action`, refreshes the view, and shows the action's refusal until the next one. */
const actionButton = (label, action, attrs = {}) =>
  h(
    'button',
    {
      type: 'button',
      ...attrs,
      onclick: async (event) => {
        event.target.disabled = true;
        actionError = undefined;
        try {
          await action();
        } catch (err) {
          actionError = err;
        } finally {
          event.target.disabled = false;
        }
        await refresh();
      },
    },
    label,
  );

/** Sets a form control from the URL unless the reader is using it (a refresh must not undo their typing). */
const setControl = (control, value) => {
  if (document.activeElement !== control && control.value !== value) control.value = value;
};

/** A select's options (the first, empty, named `none`): replaced only when they changed, so an open list stays open. */
const setOptions = (select, none, values, wanted) => {
  const now = [...select.options].map((o) => o.value);
  if (now.join('\n') !== ['', ...values].join('\n')) {
    fill(
      select,
      h('option', { value: '' }, none),
      values.map((v) => h('option', { value: v }, v)),
    );
    select.value = wanted;
  } else setControl(select, wanted);
};

/** Text with its markup characters escaped: for the one library that takes HTML (vis-timeline's labels and tooltips). */
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// -------- pipelines of the account

function pipelinesView(root, r) {
  const filter = h('input', {
    type: 'search',
    id: 'filter',
    placeholder: 'name, id, state, tag',
    value: r.params.get('q') || '',
    onchange: (e) => setParams({ q: e.target.value }),
  });
  const body = h('tbody');
  const note = h('p', { class: 'muted' });
  root.append(
    h('h1', {}, 'Pipelines'),
    h('div', { class: 'toolbar' }, h('label', {}, 'Filter ', filter)),
    h(
      'table',
      { id: 'pipelines' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Name', 'Id', 'State', 'Health', 'Last run', 'Tags'].map((t) => h('th', {}, t)),
        ),
      ),
      body,
    ),
    note,
  );
  return {
    live: true,
    refresh: async (route, current) => {
      const ids = [];
      let marker;
      let pages = 0;
      let more = false;
      do {
        const page = await api('ListPipelines', marker ? { marker } : {});
        ids.push(...page.pipelineIdList.map((p) => p.id));
        marker = page.marker;
        more = page.hasMoreResults;
        pages++;
      } while (more && marker && pages < MAX_PIPELINE_PAGES);
      const batches = [];
      for (let i = 0; i < ids.length; i += 25) batches.push(ids.slice(i, i + 25));
      const described = (await Promise.all(batches.map((b) => api('DescribePipelines', { pipelineIds: b })))).flatMap((d) => d.pipelineDescriptionList);
      if (!current()) return;
      setControl(filter, route.params.get('q') || '');
      const q = (route.params.get('q') || '').toLowerCase();
      const rows = described
        .map((p) => ({ p, tags: (p.tags || []).map((t) => `${t.key}=${t.value}`) }))
        .filter(({ p, tags }) => !q || [p.name, p.pipelineId, fieldOf(p, '@pipelineState'), ...tags].some((v) => (v || '').toLowerCase().includes(q)));
      fill(
        body,
        ...rows.map(({ p, tags }) =>
          h(
            'tr',
            { 'data-pipeline-id': p.pipelineId },
            h('td', {}, h('a', { href: linkTo('pipeline', p.pipelineId) }, p.name)),
            h('td', { class: 'mono' }, p.pipelineId),
            h('td', {}, badge(fieldOf(p, '@pipelineState'))),
            h('td', {}, badge(fieldOf(p, '@healthStatus'))),
            h('td', {}, fieldOf(p, '@latestRunTime') || fieldOf(p, '@lastActivationTime') || h('span', { class: 'muted' }, 'never')),
            h('td', { class: 'mono' }, tags.join(', ')),
          ),
        ),
      );
      note.textContent = `${rows.length} of ${described.length} pipelines${more ? ` (the first ${described.length}; the account has more)` : ''}.`;
    },
  };
}

// -------- one pipeline: definition, runs, the selected instance

function pipelineView(root, r) {
  const pipelineId = r.id;
  const title = h('h1', {}, pipelineId);
  const summary = h('div', { class: 'toolbar', id: 'pipeline-summary' });
  const graph = h('div', { id: 'graph' });
  const objectsPanel = h('div', { id: 'object', class: 'panel' }, h('span', { class: 'muted' }, 'Select an object of the graph to see its fields.'));
  const statusFilter = h('select', { id: 'status-filter', onchange: (e) => setParams({ status: e.target.value, instance: '' }) });
  const runFilter = h('select', { id: 'run-filter', onchange: (e) => setParams({ run: e.target.value, instance: '' }) });
  const from = h('input', { type: 'datetime-local', id: 'from', onchange: (e) => setParams({ from: e.target.value }) });
  const to = h('input', { type: 'datetime-local', id: 'to', onchange: (e) => setParams({ to: e.target.value }) });
  const live = h('input', {
    type: 'checkbox',
    id: 'live',
    checked: true,
    onchange: (e) => {
      state.live = e.target.checked;
      if (state.live) refresh();
      else clearTimeout(timer);
    },
  });
  const timelineBox = h('div', { id: 'timeline' });
  const instancesBody = h('tbody');
  const instancesNote = h('p', { class: 'muted' });
  const detail = h('div', { id: 'instance', class: 'panel' });
  root.append(
    h('p', {}, h('a', { href: linkTo('pipelines') }, '< Pipelines')),
    title,
    summary,
    h('h2', {}, 'Definition'),
    h('div', { class: 'grid' }, graph, objectsPanel),
    h('h2', {}, 'Runs'),
    h(
      'div',
      { class: 'toolbar' },
      h('label', {}, 'Run ', runFilter),
      h('label', {}, 'Status ', statusFilter),
      h('label', {}, 'Scheduled from (UTC) ', from),
      h('label', {}, 'to ', to),
      h('label', {}, live, ' live'),
    ),
    timelineBox,
    h(
      'div',
      { class: 'grid' },
      h(
        'div',
        {},
        h(
          'table',
          { id: 'instances' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Instance', 'Status', 'Scheduled start', 'Actual start', 'Actual end', 'Attempts', 'Waiting on'].map((t) => h('th', {}, t)),
            ),
          ),
          instancesBody,
        ),
        instancesNote,
      ),
      detail,
    ),
  );

  /** A link to an instance of this pipeline, the view's other parameters (filters) kept. */
  const instanceLink = (id) => h('a', { href: linkTo('pipeline', pipelineId, { ...Object.fromEntries(currentRoute().params.entries()), instance: id }) }, id);

  const state = { live: true, definitionKey: undefined, cy: undefined, timeline: undefined, items: undefined, groups: undefined };

  const drawGraph = (objects) => {
    const key = JSON.stringify(objects);
    if (key === state.definitionKey) return;
    state.definitionKey = key;
    const ids = new Set(objects.map((o) => o.id));
    const elements = [];
    for (const o of objects) elements.push({ data: { id: `n:${o.id}`, label: `${o.name || o.id}\n${fieldOf(o, 'type') || ''}`, objectId: o.id } });
    for (const o of objects) {
      for (const f of o.fields)
        if (f.refValue !== undefined && ids.has(f.refValue))
          elements.push({ data: { id: `e:${o.id}:${f.key}:${f.refValue}`, source: `n:${o.id}`, target: `n:${f.refValue}`, label: f.key } });
    }
    if (state.cy) state.cy.destroy();
    if (typeof cytoscape !== 'function') return;
    state.cy = cytoscape({
      container: graph,
      elements,
      layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.1, padding: 12 },
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'text-wrap': 'wrap',
            'text-valign': 'center',
            'font-size': 10,
            shape: 'round-rectangle',
            width: 'label',
            height: 'label',
            padding: 8,
            'background-color': '#fff',
            'border-width': 1,
            'border-color': '#8c959f',
          },
        },
        { selector: 'node:selected', style: { 'border-color': '#1f6feb', 'border-width': 2 } },
        {
          selector: 'edge',
          style: {
            label: 'data(label)',
            'font-size': 8,
            'curve-style': 'bezier',
            'target-arrow-shape': 'triangle',
            width: 1,
            'line-color': '#afb8c1',
            'target-arrow-color': '#afb8c1',
            color: '#57606a',
          },
        },
      ],
    });
    const byId = new Map(objects.map((o) => [o.id, o]));
    state.cy.on('tap', 'node', (e) => showObject(byId.get(e.target.data('objectId'))));
    graph.dataset.nodes = String(objects.length);
  };

  const showObject = (o) => {
    if (!o) return;
    fill(objectsPanel, h('h2', {}, o.id, ' ', h('span', { class: 'muted' }, o.name || '')), fieldsTable(o.fields));
  };

  const drawTimeline = (instances) => {
    if (typeof vis === 'undefined') return;
    const now = new Date();
    const items = [];
    for (const o of instances) {
      const status = fieldOf(o, '@status');
      const scheduledStart = fieldOf(o, '@scheduledStartTime');
      const scheduledEnd = fieldOf(o, '@scheduledEndTime');
      const start = fieldOf(o, '@actualStartTime') || scheduledStart;
      const end = fieldOf(o, '@actualEndTime') || (FINAL.has(status) ? start : now.toISOString().slice(0, 19));
      const group = fieldOf(o, '@componentParent') || o.id;
      if (scheduledStart && scheduledEnd && scheduledEnd > scheduledStart) {
        items.push({
          id: `s:${o.id}`,
          group,
          start: `${scheduledStart}Z`,
          end: `${scheduledEnd}Z`,
          type: 'background',
          className: 'scheduled',
          title: escapeHtml(`scheduled ${scheduledStart} - ${scheduledEnd}`),
        });
      }
      if (!start) continue;
      const range = end && end > start;
      // vis-timeline writes an item's or group's content and title as HTML: the values go in escaped.
      items.push({
        id: o.id,
        group,
        content: escapeHtml(status || ''),
        start: `${start}Z`,
        ...(range ? { end: `${end}Z`, type: 'range' } : { type: 'box' }),
        className: `st-${status}`,
        title: escapeHtml(`${o.id} ${status}`),
      });
    }
    const groups = [...new Set(instances.map((o) => fieldOf(o, '@componentParent') || o.id))].sort().map((g) => ({ id: g, content: escapeHtml(g) }));
    if (!state.timeline) {
      state.items = new vis.DataSet(items);
      state.groups = new vis.DataSet(groups);
      state.timeline = new vis.Timeline(timelineBox, state.items, state.groups, {
        stack: false,
        selectable: true,
        orientation: 'top',
        margin: { item: 4 },
        zoomMin: 1000,
      });
      state.timeline.on('select', (e) => e.items[0] && !String(e.items[0]).startsWith('s:') && setParams({ instance: e.items[0] }));
    } else {
      const known = new Set(state.items.getIds());
      state.groups.update(groups);
      state.groups.remove(state.groups.getIds().filter((g) => !groups.some((x) => x.id === g)));
      state.items.update(items);
      state.items.remove(state.items.getIds().filter((id) => !items.some((x) => x.id === id)));
      // New instances (a run opened, a filter changed) come into view; the reader's zoom stays otherwise.
      if (items.some((i) => !known.has(i.id))) state.timeline.fit({ animation: false });
    }
    timelineBox.dataset.items = String(items.filter((i) => i.type !== 'background').length);
  };

  const showInstance = async (instance, all, current) => {
    if (!instance) {
      delete detail.dataset.signature;
      fill(detail, h('span', { class: 'muted' }, 'Select an instance to see its attempts, errors and actions.'));
      return;
    }
    const count = Number(fieldOf(instance, '@attemptCount') || 0);
    const attemptIds = [];
    for (let n = Math.max(1, count - MAX_ATTEMPTS_SHOWN + 1); n <= count; n++) attemptIds.push(`${instance.id}_Attempt=${n}`);
    const attempts = attemptIds.length ? await describeAll(pipelineId, attemptIds) : [];
    if (!current()) return;
    const waitingOn = fieldsOf(instance, '@waitingOn');
    const dependents = all.filter((o) => fieldsOf(o, '@waitingOn').includes(instance.id));
    // Redrawn only when what it shows changed: a refresh must not take away the reader's selection.
    const signature = JSON.stringify([instance, attempts, dependents.map((o) => [o.id, fieldOf(o, '@status')]), currentRoute().params.toString()]);
    if (signature === detail.dataset.signature) return;
    detail.dataset.signature = signature;
    const setStatus = (status) => () => api('SetStatus', { pipelineId, objectIds: [instance.id], status });
    // The live refresh redraws the panel: what the reader opened stays open.
    const opened = new Set([...detail.querySelectorAll('details[open]')].map((d) => d.dataset.key));
    const folded = (key, summary, content) => h('details', { 'data-key': key, open: opened.has(key) }, h('summary', {}, summary), content);
    fill(
      detail,
      h('h2', { id: 'instance-id' }, instance.id),
      h(
        'div',
        { class: 'toolbar' },
        badge(fieldOf(instance, '@status')),
        actionButton('Rerun', setStatus('RERUN'), { id: 'action-rerun' }),
        actionButton('Cancel', setStatus('TRY_CANCEL'), { id: 'action-cancel', class: 'danger' }),
        actionButton('Mark finished', setStatus('MARK_FINISHED'), { id: 'action-mark-finished' }),
      ),
      waitingOn.length
        ? h(
            'p',
            { id: 'waiting-on' },
            'Waiting on: ',
            waitingOn.map((id, i) => [i ? ', ' : '', instanceLink(id)]),
          )
        : null,
      dependents.length
        ? h(
            'p',
            { id: 'dependents' },
            'Waiting on this: ',
            dependents.map((o, i) => [i ? ', ' : '', instanceLink(o.id), ' ', badge(fieldOf(o, '@status'))]),
          )
        : null,
      fieldOf(instance, '@cascadeFailedOn') ? h('p', {}, 'Cascade failed on: ', instanceLink(fieldOf(instance, '@cascadeFailedOn'))) : null,
      h('h2', {}, `Attempts (${count}${count > MAX_ATTEMPTS_SHOWN ? `, the last ${MAX_ATTEMPTS_SHOWN}` : ''})`),
      attempts.reverse().map((a) =>
        h(
          'div',
          { class: 'panel attempt', 'data-attempt-id': a.id },
          h('div', { class: 'toolbar' }, h('span', { class: 'mono' }, a.id), badge(fieldOf(a, '@status'))),
          h(
            'table',
            { class: 'fields' },
            ['@actualStartTime', '@actualEndTime', 'hostname', 'reportProgressTime', 'errorId']
              .filter((k) => fieldOf(a, k) !== undefined)
              .map((k) => h('tr', {}, h('td', {}, k), h('td', { class: 'mono' }, fieldOf(a, k)))),
          ),
          fieldOf(a, 'errorMessage') !== undefined
            ? [h('div', { class: 'muted' }, 'errorMessage'), h('pre', { class: 'error-message' }, fieldOf(a, 'errorMessage'))]
            : null,
          fieldOf(a, 'errorStackTrace') !== undefined ? folded(`stack:${a.id}`, 'errorStackTrace', h('pre', {}, fieldOf(a, 'errorStackTrace'))) : null,
        ),
      ),
      folded(`fields:${instance.id}`, 'All fields', fieldsTable(instance.fields)),
    );
  };

  const pipelineActions = () => [
    actionButton('Activate', () => api('ActivatePipeline', { pipelineId }), { id: 'action-activate' }),
    actionButton('Deactivate', () => api('DeactivatePipeline', { pipelineId }), { id: 'action-deactivate', class: 'danger' }),
  ];

  return {
    get live() {
      return state.live;
    },
    refresh: async (route, current) => {
      const [described, definition] = await Promise.all([
        api('DescribePipelines', { pipelineIds: [pipelineId] }),
        api('GetPipelineDefinition', { pipelineId }).catch(() => ({ pipelineObjects: [] })),
      ]);
      if (!current()) return;
      const p = described.pipelineDescriptionList[0];
      fill(title, p.name, ' ', h('span', { class: 'muted mono' }, pipelineId));
      fill(
        summary,
        h('span', {}, 'State ', badge(fieldOf(p, '@pipelineState'))),
        h('span', {}, 'Health ', badge(fieldOf(p, '@healthStatus'))),
        h('span', { class: 'muted' }, `last activated ${fieldOf(p, '@lastActivationTime') || 'never'}`),
        (p.tags || []).length ? h('span', { class: 'mono' }, (p.tags || []).map((t) => `${t.key}=${t.value}`).join(', ')) : null,
        ...pipelineActions(),
      );
      drawGraph(definition.pipelineObjects || []);

      const ids = [];
      let marker;
      let more = false;
      for (let pages = 0; pages < MAX_INSTANCE_PAGES; pages++) {
        const page = await api('QueryObjects', { pipelineId, sphere: 'INSTANCE', limit: 100, ...(marker && { marker }) });
        ids.push(...page.ids);
        marker = page.marker;
        more = page.hasMoreResults;
        if (!more || !marker) break;
      }
      const selected = route.params.get('instance');
      // The selected instance is read by its id even when it is past the pages read (the newest runs come last).
      const extra = selected && !ids.includes(selected) && selected.startsWith('@') ? [selected] : [];
      const instances = (await describeAll(pipelineId, [...ids, ...extra])).sort(
        (a, b) => (fieldOf(a, '@scheduledStartTime') || '').localeCompare(fieldOf(b, '@scheduledStartTime') || '') || a.id.localeCompare(b.id),
      );
      const statuses = [...new Set(instances.map((o) => fieldOf(o, '@status')).filter(Boolean))].sort();
      const runs = [...new Set(instances.map((o) => fieldOf(o, '@scheduledStartTime')).filter(Boolean))].sort().reverse();
      const want = {
        status: route.params.get('status') || '',
        run: route.params.get('run') || '',
        from: route.params.get('from') || '',
        to: route.params.get('to') || '',
      };
      setOptions(statusFilter, 'any', [...new Set([...statuses, want.status].filter(Boolean))], want.status);
      setOptions(runFilter, 'all', [...new Set([...runs, want.run].filter(Boolean))], want.run);
      setControl(from, want.from);
      setControl(to, want.to);
      const shown = instances.filter((o) => {
        const scheduled = fieldOf(o, '@scheduledStartTime') || '';
        return (
          (!want.status || fieldOf(o, '@status') === want.status) &&
          (!want.run || scheduled === want.run) &&
          (!want.from || scheduled >= want.from) &&
          (!want.to || scheduled <= `${want.to}:59`)
        );
      });
      drawTimeline(shown);
      fill(
        instancesBody,
        ...shown.map((o) =>
          h(
            'tr',
            { 'data-instance-id': o.id, class: o.id === selected ? 'selected' : '' },
            h('td', { class: 'mono' }, instanceLink(o.id)),
            h('td', {}, badge(fieldOf(o, '@status'))),
            h('td', { class: 'mono' }, fieldOf(o, '@scheduledStartTime') || ''),
            h('td', { class: 'mono' }, fieldOf(o, '@actualStartTime') || ''),
            h('td', { class: 'mono' }, fieldOf(o, '@actualEndTime') || ''),
            h('td', {}, fieldOf(o, '@attemptCount') || '0'),
            h('td', { class: 'mono' }, fieldsOf(o, '@waitingOn').join(', ')),
          ),
        ),
      );
      instancesNote.textContent = `${shown.length} of ${instances.length} instances${more ? ` (the first ${ids.length} by id, and the one selected; the pipeline has more: its newest runs may be past them)` : ''}.`;
      await showInstance(
        instances.find((o) => o.id === selected),
        instances,
        current,
      );
    },
  };
}

// -------- task runners seen in the last hour

function runnersView(root) {
  const body = h('div', { id: 'runners' });
  root.append(
    h('h1', {}, 'Task runners'),
    h('p', { class: 'muted' }, 'Runners of this account that sent ReportTaskRunnerHeartbeat in the last hour, by worker group.'),
    body,
  );
  return {
    live: true,
    refresh: async (_route, current) => {
      const { taskRunners, truncated } = await api('DataPipelineLocal.ListTaskRunners', {});
      if (!current()) return;
      const groups = new Map();
      for (const r of taskRunners) {
        const g = r.workerGroup || '(none)';
        if (!groups.has(g)) groups.set(g, []);
        groups.get(g).push(r);
      }
      const ago = (at) => `${Math.max(0, Math.round((Date.now() - Date.parse(`${at}`)) / 1000))} s ago`;
      fill(
        body,
        taskRunners.length === 0 ? h('p', { class: 'muted' }, 'No heartbeat in the last hour.') : null,
        ...[...groups.entries()].sort().map(([group, runners]) => [
          h('h2', {}, `Worker group ${group}`),
          h(
            'table',
            { 'data-worker-group': group },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Task runner', 'Hostname', 'Last heartbeat'].map((t) => h('th', {}, t)),
              ),
            ),
            h(
              'tbody',
              {},
              runners.map((r) =>
                h(
                  'tr',
                  { 'data-taskrunner-id': r.taskrunnerId },
                  h('td', { class: 'mono' }, r.taskrunnerId),
                  h('td', {}, r.hostname || ''),
                  h('td', {}, `${r.lastHeartbeat} (${ago(r.lastHeartbeat)})`),
                ),
              ),
            ),
          ),
        ]),
        truncated ? h('p', { class: 'muted' }, 'More runners sent heartbeats than are shown.') : null,
      );
    },
  };
}

// ---------------------------------------------------------------- start

document.getElementById('account').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = document.getElementById('account-key').value.trim();
  if (key && !KEY_PATTERN.test(key)) {
    actionError = new Error('An access key is 1 to 128 letters, digits or _.@+=-');
    showError(actionError);
    return;
  }
  const r = currentRoute();
  location.hash = linkTo(r.view === 'pipeline' ? 'pipelines' : r.view, undefined, { key });
});
window.addEventListener('hashchange', render);
render();
