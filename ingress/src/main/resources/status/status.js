// The status page: a tenant's endpoints, devices (with a pairing device's QR code) and recent failovers, kept
// current by the gateway's live stream. No framework, no build step; data only ever goes into textContent and
// attributes, never into HTML.
//
// Authentication: the key (admin or the tenant's own) comes from the URL fragment (#key=..., which browsers never
// send to a server; removed from the address bar at once) or from a form, and stays in this tab's sessionStorage.
// EventSource cannot send an Authorization header, so the key buys a short-lived stream token
// (POST /api/whatsapp/stream/{tenantId}/token) and the token goes in the stream's URL.
(function () {
  'use strict';

  var tenantId = decodeURIComponent(location.pathname.split('/')[2] || '');
  var storageName = 'whatsapp-status-key:' + tenantId;
  var state = { endpoints: new Map(), devices: new Map(), failovers: new Map() };
  var source = null;
  var lastEventId = null;
  var retryDelay = 1000;
  var retryTimer = null;

  function byId(id) { return document.getElementById(id); }

  function node(tag, value, className) {
    var e = document.createElement(tag);
    if (value !== undefined && value !== null) { e.textContent = String(value); }
    if (className) { e.className = className; }
    return e;
  }

  function badge(stateName) {
    var b = node('span', stateName || 'unknown', 'badge');
    b.setAttribute('data-state', stateName || 'unknown');
    return b;
  }

  function when(iso) {
    if (!iso) { return '—'; }
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }

  function setConnection(stateName, label) {
    var c = byId('connection');
    c.setAttribute('data-state', stateName);
    c.textContent = label;
  }

  function say(message) { byId('message').textContent = message || ''; }

  function storedKey() {
    try { return sessionStorage.getItem(storageName); } catch (e) { return null; }
  }

  function storeKey(key) {
    try {
      if (key) { sessionStorage.setItem(storageName, key); } else { sessionStorage.removeItem(storageName); }
    } catch (e) { /* storage disabled: the key lives in memory only */ }
    memoryKey = key;
  }

  var memoryKey = null;

  function currentKey() { return storedKey() || memoryKey; }

  function takeKeyFromFragment() {
    var m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
    if (m) {
      storeKey(decodeURIComponent(m[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  function askForKey(message) {
    if (source) { source.close(); source = null; }
    byId('status').hidden = true;
    say(message);
    var form = byId('key-form');
    form.hidden = false;
    byId('key').focus();
  }

  function retryLater(why) {
    var seconds = Math.round(retryDelay / 1000);
    setConnection('offline', 'reconnecting in ' + seconds + ' s');
    if (why) { say(why); }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function connect() {
    clearTimeout(retryTimer);
    var key = currentKey();
    if (!key) { askForKey(''); return; }
    setConnection('connecting', 'connecting…');
    fetch('/api/whatsapp/stream/' + encodeURIComponent(tenantId) + '/token', {
      method: 'POST',
      headers: { 'Authorization': 'Bearer ' + key },
      cache: 'no-store',
      credentials: 'omit'
    }).then(function (res) {
      if (res.status === 401 || res.status === 403) {
        storeKey(null);
        setConnection('offline', 'not connected');
        askForKey('The key was refused. Enter the admin key or this tenant\'s key.');
        return null;
      }
      if (res.status === 404) {
        storeKey(null);
        setConnection('offline', 'not connected');
        askForKey('There is no tenant "' + tenantId + '" that this key may see.');
        return null;
      }
      if (!res.ok) { retryLater('The gateway answered ' + res.status + '.'); return null; }
      return res.json();
    }).then(function (body) {
      if (!body) { return; }
      var url = body.streamUrl + '?access_token=' + encodeURIComponent(body.token);
      if (lastEventId) { url += '&lastEventId=' + encodeURIComponent(lastEventId); }
      openStream(url);
    }).catch(function () {
      retryLater('The gateway does not answer.');
    });
  }

  function listen(es, name, apply) {
    es.addEventListener(name, function (e) {
      if (source !== es) { return; }
      if (e.lastEventId) { lastEventId = e.lastEventId; }
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      apply(data);
    });
  }

  function openStream(url) {
    if (source) { source.close(); }
    var es = new EventSource(url);
    source = es;
    listen(es, 'stream.open', function (d) {
      if (!d.resumed) {
        state.endpoints.clear();
        state.devices.clear();
        state.failovers.clear();
      }
      retryDelay = 1000;
      say('');
      byId('key-form').hidden = true;
      byId('status').hidden = false;
      setConnection('live', 'live');
      renderAll();
    });
    listen(es, 'endpoint.health', function (d) {
      var before = state.endpoints.get(d.endpointId) || {};
      ['name', 'provider', 'isPrimary', 'isActive'].forEach(function (k) {
        if (d[k] === undefined) { d[k] = before[k]; }
      });
      state.endpoints.set(d.endpointId, d);
      renderEndpoints();
    });
    listen(es, 'device.status', function (d) {
      if (d.deleted) {
        state.devices.delete(d.deviceId);
      } else {
        var before = state.devices.get(d.deviceId) || {};
        var after = Object.assign({}, d);
        if (after.deviceName === undefined) { after.deviceName = before.deviceName; }
        if (after.status === 'pairing') {
          after.qrCode = before.qrCode;
          after.pairingCode = before.pairingCode;
        }
        state.devices.set(d.deviceId, after);
      }
      renderDevices();
    });
    listen(es, 'device.qr', function (d) {
      var before = state.devices.get(d.deviceId) || { deviceId: d.deviceId, endpointId: d.endpointId };
      var after = Object.assign({}, before, { status: d.status, qrCode: d.qrCode, pairingCode: d.pairingCode,
        updatedAt: d.at });
      state.devices.set(d.deviceId, after);
      renderDevices();
    });
    listen(es, 'failover', function (d) {
      state.failovers.set(d.eventId, d);
      renderFailovers();
    });
    es.onerror = function () {
      if (source !== es) { return; }
      if (es.readyState === EventSource.CLOSED) {
        // Refused (the token expired, the key was revoked, the gateway restarted): buy a new token.
        es.close();
        source = null;
        retryLater('');
      } else {
        setConnection('connecting', 'reconnecting…');
      }
    };
  }

  function renderAll() {
    renderEndpoints();
    renderDevices();
    renderFailovers();
  }

  function renderEndpoints() {
    var body = byId('endpoints').querySelector('tbody');
    body.replaceChildren();
    var rows = Array.from(state.endpoints.values());
    rows.sort(function (a, b) {
      return (b.isPrimary ? 1 : 0) - (a.isPrimary ? 1 : 0)
        || String(a.name || a.endpointId).localeCompare(String(b.name || b.endpointId));
    });
    rows.forEach(function (e) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-endpoint-id', e.endpointId);
      var name = node('td');
      name.appendChild(node('div', e.name || e.endpointId));
      name.appendChild(node('div', e.endpointId + (e.isPrimary ? ' · primary' : '') + (e.isActive === false ? ' · inactive' : ''), 'meta'));
      tr.appendChild(name);
      tr.appendChild(node('td', e.provider || '—'));
      var st = node('td');
      st.appendChild(badge(e.state));
      tr.appendChild(st);
      tr.appendChild(node('td', e.latencyMs === undefined || e.latencyMs === null ? '—' : e.latencyMs + ' ms', 'latency'));
      tr.appendChild(node('td', when(e.checkedAt), 'when'));
      tr.appendChild(node('td', e.lastError || ''));
      body.appendChild(tr);
    });
    byId('endpoints-empty').hidden = rows.length > 0;
  }

  function renderDevices() {
    var box = byId('devices');
    box.replaceChildren();
    var devices = Array.from(state.devices.values());
    devices.forEach(function (d) {
      var card = node('div', null, 'card device');
      card.setAttribute('data-device-id', d.deviceId);
      card.appendChild(node('h3', d.deviceName || d.deviceId));
      var line = node('div');
      line.appendChild(badge(d.status));
      card.appendChild(line);
      card.appendChild(node('div', d.deviceId + ' on ' + (d.endpointId || '?'), 'meta'));
      if (d.reason) { card.appendChild(node('div', d.reason, 'meta reason')); }
      if (d.updatedAt) { card.appendChild(node('div', 'updated ' + when(d.updatedAt), 'meta')); }
      if (d.status === 'pairing') {
        var png = d.qrCode && d.qrCode.pngDataUrl;
        if (png && png.indexOf('data:image/png;base64,') === 0) {
          var img = document.createElement('img');
          img.className = 'qr';
          img.alt = 'QR code to pair ' + (d.deviceName || d.deviceId) + ': scan it in WhatsApp, Linked devices';
          img.src = png;
          img.setAttribute('data-qr', d.qrCode.raw || '');
          card.appendChild(img);
        }
        if (d.pairingCode) {
          card.appendChild(node('div', 'Pairing code', 'meta'));
          card.appendChild(node('div', d.pairingCode, 'pairing-code'));
        }
      }
      box.appendChild(card);
    });
    byId('devices-empty').hidden = devices.length > 0;
  }

  function renderFailovers() {
    var list = byId('failovers');
    list.replaceChildren();
    var all = Array.from(state.failovers.values());
    all.sort(function (a, b) { return String(b.occurredAt).localeCompare(String(a.occurredAt)); });
    all.forEach(function (f) {
      var li = document.createElement('li');
      li.setAttribute('data-event-id', f.eventId);
      li.appendChild(node('span', f.action, 'action'));
      li.appendChild(node('span', when(f.occurredAt) + ' ', 'when'));
      li.appendChild(node('span', f.detail || '', 'detail'));
      list.appendChild(li);
    });
    byId('failovers-empty').hidden = all.length > 0;
  }

  document.addEventListener('DOMContentLoaded', function () {
    byId('tenant').textContent = tenantId;
    document.title = 'WhatsApp gateway · ' + tenantId;
    byId('key-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var key = byId('key').value.trim();
      byId('key').value = '';
      if (!key) { return; }
      storeKey(key);
      byId('key-form').hidden = true;
      say('');
      retryDelay = 1000;
      connect();
    });
    window.addEventListener('hashchange', function () {
      if (/key=/.test(location.hash)) {
        takeKeyFromFragment();
        lastEventId = null;
        connect();
      }
    });
    takeKeyFromFragment();
    connect();
  });
}());
