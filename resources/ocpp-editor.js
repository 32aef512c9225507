/* Editor helpers shared by the node dialogs of node-red-contrib-ocpp-interface. */
(function () {
    "use strict";
    if (window.OcppEditor) { return; }

    var actionsMeta = null;
    var stationListGeneration = 0;

    function text(v) {
        return v === undefined || v === null ? "" : String(v);
    }

    // A readable message for a failed admin API request.
    function ajaxError(xhr) {
        var body = xhr && xhr.responseJSON;
        if (body && (body.message || body.error)) { return String(body.message || body.error); }
        if (xhr && xhr.responseText && xhr.responseText.length < 200) { return xhr.responseText; }
        return (xhr && (xhr.status + " " + (xhr.statusText || ""))).trim() || "?";
    }

    // The actions of each version, by direction, loaded once per editor session.
    function loadActions() {
        if (actionsMeta) { return $.Deferred().resolve(actionsMeta).promise(); }
        return $.getJSON("ocpp-interface-meta/actions").then(function (meta) {
            actionsMeta = meta || {};
            return actionsMeta;
        });
    }

    // The versions the runtime speaks, in its order (the keys of the actions meta), once loaded.
    function versionList() {
        return actionsMeta ? Object.keys(actionsMeta) : [];
    }

    // How a version is named ("OCPP 2.1"), from the runtime's list.
    function versionLabel(version) {
        return (actionsMeta && actionsMeta[version] && actionsMeta[version].label) || version;
    }

    // direction "station" (CALLs stations send) or "central" (commands): name -> versions that have it.
    function actionsByName(meta, direction) {
        var byName = {};
        Object.keys(meta || {}).forEach(function (version) {
            var list = meta[version] && meta[version][direction];
            if (!Array.isArray(list)) { return; }
            list.forEach(function (name) {
                name = text(name);
                (byName[name] = byName[name] || []).push(version);
            });
        });
        return byName;
    }

    // Fills a <datalist> with the ids of an interface's stations.
    function loadStationList(interfaceId, datalist) {
        var generation = ++stationListGeneration;
        datalist.empty();
        // A config node the editor does not know yet cannot be deployed: skip the request.
        if (!interfaceId || interfaceId === "_ADD_" || !RED.nodes.node(interfaceId)) { return; }
        $.getJSON("ocpp-interface/" + encodeURIComponent(interfaceId) + "/stations").done(function (list) {
            if (generation !== stationListGeneration || !Array.isArray(list)) { return; }
            list.map(function (s) { return text(s && s.id); }).sort().forEach(function (id) {
                $("<option></option>").attr("value", id).appendTo(datalist);
            });
        });
    }

    window.OcppEditor = { text: text, ajaxError: ajaxError, loadActions: loadActions, actionsByName: actionsByName, loadStationList: loadStationList,
        versionList: versionList, versionLabel: versionLabel };
})();
