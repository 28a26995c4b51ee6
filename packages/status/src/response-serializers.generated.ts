// @ts-nocheck
// Generated from src/schemas.ts by scripts/compile-serializers.ts: do not edit.
import Serializer from "fast-json-stringify/lib/serializer.js";

const serializer = Serializer.restoreFromState({"mode":"standalone"});

/** fast-json-stringify's serializer of each response schema, by its name in `responseSchemas`. */
export const responseSerializers = {
  stateSchema: () =>
    (function (validator, serializer) {

    
const {
  asString,
  asNumber,
  asBoolean,
  asDateTime,
  asDate,
  asTime,
  asUnsafeString,
  asPlainStringArray
} = serializer

const asInteger = serializer.asInteger.bind(serializer)


    const JSON_STR_BEGIN_OBJECT = '{'
    const JSON_STR_END_OBJECT = '}'
    const JSON_STR_BEGIN_ARRAY = '['
    const JSON_STR_END_ARRAY = ']'
    const JSON_STR_COMMA = ','
    const JSON_STR_COLONS = ':'
    const JSON_STR_QUOTE = '"'
    const JSON_STR_EMPTY_OBJECT = JSON_STR_BEGIN_OBJECT + JSON_STR_END_OBJECT
    const JSON_STR_EMPTY_ARRAY = JSON_STR_BEGIN_ARRAY + JSON_STR_END_ARRAY
    const JSON_STR_EMPTY_STRING = JSON_STR_QUOTE + JSON_STR_QUOTE
    const JSON_STR_NULL = 'null'
    
  
    
      // "#/properties/counts"
      function anonymous1 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_running_4 = obj["running"]
      if (value_running_4 !== undefined) {
        json += "{\"running\":"
        json += asInteger(value_running_4)
      } else {
        throw new Error('"running" is required!')
      }
      
      const value_retrying_5 = obj["retrying"]
      if (value_retrying_5 !== undefined) {
        json += ",\"retrying\":"
        json += asInteger(value_retrying_5)
      } else {
        throw new Error('"retrying" is required!')
      }
      
      const value_blocked_6 = obj["blocked"]
      if (value_blocked_6 !== undefined) {
        json += ",\"blocked\":"
        json += asInteger(value_blocked_6)
      } else {
        throw new Error('"blocked" is required!')
      }
      
      const value_stopped_7 = obj["stopped"]
      if (value_stopped_7 !== undefined) {
        json += ",\"stopped\":"
        json += asInteger(value_stopped_7)
      } else {
        throw new Error('"stopped" is required!')
      }
      
      const value_completed_8 = obj["completed"]
      if (value_completed_8 !== undefined) {
        json += ",\"completed\":"
        json += asInteger(value_completed_8)
      } else {
        throw new Error('"completed" is required!')
      }
      
      const value_awaiting_approval_9 = obj["awaiting_approval"]
      if (value_awaiting_approval_9 !== undefined) {
        json += ",\"awaiting_approval\":"
        json += asInteger(value_awaiting_approval_9)
      } else {
        throw new Error('"awaiting_approval" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/items/properties/tokens"
      function anonymous4 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_input_tokens_25 = obj["input_tokens"]
      if (value_input_tokens_25 !== undefined) {
        json += "{\"input_tokens\":"
        json += asInteger(value_input_tokens_25)
      } else {
        throw new Error('"input_tokens" is required!')
      }
      
      const value_output_tokens_26 = obj["output_tokens"]
      if (value_output_tokens_26 !== undefined) {
        json += ",\"output_tokens\":"
        json += asInteger(value_output_tokens_26)
      } else {
        throw new Error('"output_tokens" is required!')
      }
      
      const value_total_tokens_27 = obj["total_tokens"]
      if (value_total_tokens_27 !== undefined) {
        json += ",\"total_tokens\":"
        json += asInteger(value_total_tokens_27)
      } else {
        throw new Error('"total_tokens" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/items/properties/worker"
      function anonymous5 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_host_32 = obj["host"]
      if (value_host_32 !== undefined) {
        json += "{\"host\":"
        
        if (typeof value_host_32 !== 'string') {
          if (value_host_32 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_host_32 instanceof Date) {
            json += JSON_STR_QUOTE + value_host_32.toISOString() + JSON_STR_QUOTE
          } else if (value_host_32 instanceof RegExp) {
            json += asString(value_host_32.source)
          } else {
            json += asString(value_host_32.toString())
          }
        } else {
          json += asString(value_host_32)
        }
        
      } else {
        throw new Error('"host" is required!')
      }
      
      const value_pid_33 = obj["pid"]
      if (value_pid_33 !== undefined) {
        json += ",\"pid\":"
        json += asInteger(value_pid_33)
      } else {
        throw new Error('"pid" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/items/properties/pipeline/properties/phases/items"
      function anonymous8 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_name_38 = obj["name"]
      if (value_name_38 !== undefined) {
        json += "{\"name\":"
        
        if (typeof value_name_38 !== 'string') {
          if (value_name_38 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_name_38 instanceof Date) {
            json += JSON_STR_QUOTE + value_name_38.toISOString() + JSON_STR_QUOTE
          } else if (value_name_38 instanceof RegExp) {
            json += asString(value_name_38.source)
          } else {
            json += asString(value_name_38.toString())
          }
        } else {
          json += asString(value_name_38)
        }
        
      } else {
        throw new Error('"name" is required!')
      }
      
      const value_kind_39 = obj["kind"]
      if (value_kind_39 !== undefined) {
        json += ",\"kind\":"
        
        if (typeof value_kind_39 !== 'string') {
          if (value_kind_39 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_kind_39 instanceof Date) {
            json += JSON_STR_QUOTE + value_kind_39.toISOString() + JSON_STR_QUOTE
          } else if (value_kind_39 instanceof RegExp) {
            json += asString(value_kind_39.source)
          } else {
            json += asString(value_kind_39.toString())
          }
        } else {
          json += asString(value_kind_39)
        }
        
      } else {
        throw new Error('"kind" is required!')
      }
      
      const value_status_40 = obj["status"]
      if (value_status_40 !== undefined) {
        json += ",\"status\":"
        
        if (typeof value_status_40 !== 'string') {
          if (value_status_40 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_status_40 instanceof Date) {
            json += JSON_STR_QUOTE + value_status_40.toISOString() + JSON_STR_QUOTE
          } else if (value_status_40 instanceof RegExp) {
            json += asString(value_status_40.source)
          } else {
            json += asString(value_status_40.toString())
          }
        } else {
          json += asString(value_status_40)
        }
        
      } else {
        throw new Error('"status" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous7 (obj) {
      // "#/properties/running/items/properties/pipeline/properties/phases"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/running/items/properties/pipeline/properties/phases' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous8(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous8(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/running/items/properties/pipeline/properties/cycles_by_phase"
      function anonymous9 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        let addComma_44 = false

    for (const key of Object.keys(obj)) {
      if (
        
        obj[key] === undefined ||
        typeof obj[key] === 'function' ||
        typeof obj[key] === 'symbol'
      ) continue
      const value = obj[key]
  
        json += addComma_44 ? JSON_STR_COMMA : ((addComma_44 = true), JSON_STR_BEGIN_OBJECT)
        json += asString(key) + JSON_STR_COLONS
        json += asInteger(value)
      
    }
  if (!addComma_44) json += JSON_STR_BEGIN_OBJECT

return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/items/properties/pipeline/properties/waiting"
      function anonymous10 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_gate_id_47 = obj["gate_id"]
      if (value_gate_id_47 !== undefined) {
        json += "{\"gate_id\":"
        
        if (typeof value_gate_id_47 !== 'string') {
          if (value_gate_id_47 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_gate_id_47 instanceof Date) {
            json += JSON_STR_QUOTE + value_gate_id_47.toISOString() + JSON_STR_QUOTE
          } else if (value_gate_id_47 instanceof RegExp) {
            json += asString(value_gate_id_47.source)
          } else {
            json += asString(value_gate_id_47.toString())
          }
        } else {
          json += asString(value_gate_id_47)
        }
        
      } else {
        throw new Error('"gate_id" is required!')
      }
      
      const value_artifact_48 = obj["artifact"]
      if (value_artifact_48 !== undefined) {
        json += ",\"artifact\":"
        
          if (value_artifact_48 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_artifact_48 === "string" ||
            value_artifact_48 === null ||
            value_artifact_48 instanceof Date ||
            value_artifact_48 instanceof RegExp ||
            (
              typeof value_artifact_48 === "object" &&
              typeof value_artifact_48.toString === "function" &&
              value_artifact_48.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_artifact_48 !== 'string') {
          if (value_artifact_48 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_artifact_48 instanceof Date) {
            json += JSON_STR_QUOTE + value_artifact_48.toISOString() + JSON_STR_QUOTE
          } else if (value_artifact_48 instanceof RegExp) {
            json += asString(value_artifact_48.source)
          } else {
            json += asString(value_artifact_48.toString())
          }
        } else {
          json += asString(value_artifact_48)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/pipeline/properties/waiting/properties/artifact' does not match schema definition.")
  
      } else {
        throw new Error('"artifact" is required!')
      }
      
      const value_since_49 = obj["since"]
      if (value_since_49 !== undefined) {
        json += ",\"since\":"
        json += asDateTime(value_since_49)
      } else {
        throw new Error('"since" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/items/properties/pipeline/properties/gates/items"
      function anonymous12 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_id_52 = obj["id"]
      if (value_id_52 !== undefined) {
        json += "{\"id\":"
        
        if (typeof value_id_52 !== 'string') {
          if (value_id_52 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_id_52 instanceof Date) {
            json += JSON_STR_QUOTE + value_id_52.toISOString() + JSON_STR_QUOTE
          } else if (value_id_52 instanceof RegExp) {
            json += asString(value_id_52.source)
          } else {
            json += asString(value_id_52.toString())
          }
        } else {
          json += asString(value_id_52)
        }
        
      } else {
        throw new Error('"id" is required!')
      }
      
      const value_approved_53 = obj["approved"]
      if (value_approved_53 !== undefined) {
        json += ",\"approved\":"
        json += asBoolean(value_approved_53)
      } else {
        throw new Error('"approved" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous11 (obj) {
      // "#/properties/running/items/properties/pipeline/properties/gates"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/running/items/properties/pipeline/properties/gates' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous12(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous12(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/running/items/properties/pipeline"
      function anonymous6 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_phases_36 = obj["phases"]
      if (value_phases_36 !== undefined) {
        json += "{\"phases\":"
        json += anonymous7(value_phases_36)
      } else {
        throw new Error('"phases" is required!')
      }
      
      const value_current_41 = obj["current"]
      if (value_current_41 !== undefined) {
        json += ",\"current\":"
        
          if (value_current_41 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_current_41 === "string" ||
            value_current_41 === null ||
            value_current_41 instanceof Date ||
            value_current_41 instanceof RegExp ||
            (
              typeof value_current_41 === "object" &&
              typeof value_current_41.toString === "function" &&
              value_current_41.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_current_41 !== 'string') {
          if (value_current_41 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_current_41 instanceof Date) {
            json += JSON_STR_QUOTE + value_current_41.toISOString() + JSON_STR_QUOTE
          } else if (value_current_41 instanceof RegExp) {
            json += asString(value_current_41.source)
          } else {
            json += asString(value_current_41.toString())
          }
        } else {
          json += asString(value_current_41)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/pipeline/properties/current' does not match schema definition.")
  
      } else {
        throw new Error('"current" is required!')
      }
      
      const value_cycles_42 = obj["cycles"]
      if (value_cycles_42 !== undefined) {
        json += ",\"cycles\":"
        json += asInteger(value_cycles_42)
      } else {
        throw new Error('"cycles" is required!')
      }
      
      const value_cycles_by_phase_43 = obj["cycles_by_phase"]
      if (value_cycles_by_phase_43 !== undefined) {
        json += ",\"cycles_by_phase\":"
        json += anonymous9(value_cycles_by_phase_43)
      } else {
        throw new Error('"cycles_by_phase" is required!')
      }
      
      const value_waiting_45 = obj["waiting"]
      if (value_waiting_45 !== undefined) {
        json += ",\"waiting\":"
        
          if (value_waiting_45 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_waiting_45 === "object" && !Array.isArray(value_waiting_45)) || value_waiting_45 === null) {
            json += anonymous10(value_waiting_45)
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/pipeline/properties/waiting' does not match schema definition.")
  
      } else {
        throw new Error('"waiting" is required!')
      }
      
      const value_gates_50 = obj["gates"]
      if (value_gates_50 !== undefined) {
        json += ",\"gates\":"
        json += anonymous11(value_gates_50)
      } else {
        throw new Error('"gates" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous16 (obj) {
      // "#/properties/running/items/properties/agent_request/properties/questions/items/properties/options"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/running/items/properties/agent_request/properties/questions/items/properties/options' does not match schema definition.")
    }
    const arrayLength = obj.length
  
      if (typeof arrayLength === 'number' && arrayLength >= 128 && Number.isInteger(arrayLength) && arrayLength <= 0xffffffff) {
        return asPlainStringArray(obj, arrayLength)
      }
      
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        
        if (typeof value !== 'string') {
          if (value === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value instanceof Date) {
            json += JSON_STR_QUOTE + value.toISOString() + JSON_STR_QUOTE
          } else if (value instanceof RegExp) {
            json += asString(value.source)
          } else {
            json += asString(value.toString())
          }
        } else {
          json += asString(value)
        }
        
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          
        if (typeof value !== 'string') {
          if (value === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value instanceof Date) {
            json += JSON_STR_QUOTE + value.toISOString() + JSON_STR_QUOTE
          } else if (value instanceof RegExp) {
            json += asString(value.source)
          } else {
            json += asString(value.toString())
          }
        } else {
          json += asString(value)
        }
        
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/running/items/properties/agent_request/properties/questions/items"
      function anonymous15 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_id_66 = obj["id"]
      if (value_id_66 !== undefined) {
        json += "{\"id\":"
        
        if (typeof value_id_66 !== 'string') {
          if (value_id_66 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_id_66 instanceof Date) {
            json += JSON_STR_QUOTE + value_id_66.toISOString() + JSON_STR_QUOTE
          } else if (value_id_66 instanceof RegExp) {
            json += asString(value_id_66.source)
          } else {
            json += asString(value_id_66.toString())
          }
        } else {
          json += asString(value_id_66)
        }
        
      } else {
        throw new Error('"id" is required!')
      }
      
      const value_header_67 = obj["header"]
      if (value_header_67 !== undefined) {
        json += ",\"header\":"
        
          if (value_header_67 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_header_67 === "string" ||
            value_header_67 === null ||
            value_header_67 instanceof Date ||
            value_header_67 instanceof RegExp ||
            (
              typeof value_header_67 === "object" &&
              typeof value_header_67.toString === "function" &&
              value_header_67.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_header_67 !== 'string') {
          if (value_header_67 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_header_67 instanceof Date) {
            json += JSON_STR_QUOTE + value_header_67.toISOString() + JSON_STR_QUOTE
          } else if (value_header_67 instanceof RegExp) {
            json += asString(value_header_67.source)
          } else {
            json += asString(value_header_67.toString())
          }
        } else {
          json += asString(value_header_67)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/agent_request/properties/questions/items/properties/header' does not match schema definition.")
  
      } else {
        throw new Error('"header" is required!')
      }
      
      const value_question_68 = obj["question"]
      if (value_question_68 !== undefined) {
        json += ",\"question\":"
        
        if (typeof value_question_68 !== 'string') {
          if (value_question_68 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_question_68 instanceof Date) {
            json += JSON_STR_QUOTE + value_question_68.toISOString() + JSON_STR_QUOTE
          } else if (value_question_68 instanceof RegExp) {
            json += asString(value_question_68.source)
          } else {
            json += asString(value_question_68.toString())
          }
        } else {
          json += asString(value_question_68)
        }
        
      } else {
        throw new Error('"question" is required!')
      }
      
      const value_options_69 = obj["options"]
      if (value_options_69 !== undefined) {
        json += ",\"options\":"
        json += anonymous16(value_options_69)
      } else {
        throw new Error('"options" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous14 (obj) {
      // "#/properties/running/items/properties/agent_request/properties/questions"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/running/items/properties/agent_request/properties/questions' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous15(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous15(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/running/items/properties/agent_request"
      function anonymous13 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_id_56 = obj["id"]
      if (value_id_56 !== undefined) {
        json += "{\"id\":"
        
        if (typeof value_id_56 !== 'string') {
          if (value_id_56 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_id_56 instanceof Date) {
            json += JSON_STR_QUOTE + value_id_56.toISOString() + JSON_STR_QUOTE
          } else if (value_id_56 instanceof RegExp) {
            json += asString(value_id_56.source)
          } else {
            json += asString(value_id_56.toString())
          }
        } else {
          json += asString(value_id_56)
        }
        
      } else {
        throw new Error('"id" is required!')
      }
      
      const value_kind_57 = obj["kind"]
      if (value_kind_57 !== undefined) {
        json += ",\"kind\":"
        
        if (typeof value_kind_57 !== 'string') {
          if (value_kind_57 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_kind_57 instanceof Date) {
            json += JSON_STR_QUOTE + value_kind_57.toISOString() + JSON_STR_QUOTE
          } else if (value_kind_57 instanceof RegExp) {
            json += asString(value_kind_57.source)
          } else {
            json += asString(value_kind_57.toString())
          }
        } else {
          json += asString(value_kind_57)
        }
        
      } else {
        throw new Error('"kind" is required!')
      }
      
      const value_method_58 = obj["method"]
      if (value_method_58 !== undefined) {
        json += ",\"method\":"
        
        if (typeof value_method_58 !== 'string') {
          if (value_method_58 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_method_58 instanceof Date) {
            json += JSON_STR_QUOTE + value_method_58.toISOString() + JSON_STR_QUOTE
          } else if (value_method_58 instanceof RegExp) {
            json += asString(value_method_58.source)
          } else {
            json += asString(value_method_58.toString())
          }
        } else {
          json += asString(value_method_58)
        }
        
      } else {
        throw new Error('"method" is required!')
      }
      
      const value_summary_59 = obj["summary"]
      if (value_summary_59 !== undefined) {
        json += ",\"summary\":"
        
        if (typeof value_summary_59 !== 'string') {
          if (value_summary_59 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_summary_59 instanceof Date) {
            json += JSON_STR_QUOTE + value_summary_59.toISOString() + JSON_STR_QUOTE
          } else if (value_summary_59 instanceof RegExp) {
            json += asString(value_summary_59.source)
          } else {
            json += asString(value_summary_59.toString())
          }
        } else {
          json += asString(value_summary_59)
        }
        
      } else {
        throw new Error('"summary" is required!')
      }
      
      const value_command_60 = obj["command"]
      if (value_command_60 !== undefined) {
        json += ",\"command\":"
        
          if (value_command_60 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_command_60 === "string" ||
            value_command_60 === null ||
            value_command_60 instanceof Date ||
            value_command_60 instanceof RegExp ||
            (
              typeof value_command_60 === "object" &&
              typeof value_command_60.toString === "function" &&
              value_command_60.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_command_60 !== 'string') {
          if (value_command_60 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_command_60 instanceof Date) {
            json += JSON_STR_QUOTE + value_command_60.toISOString() + JSON_STR_QUOTE
          } else if (value_command_60 instanceof RegExp) {
            json += asString(value_command_60.source)
          } else {
            json += asString(value_command_60.toString())
          }
        } else {
          json += asString(value_command_60)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/agent_request/properties/command' does not match schema definition.")
  
      } else {
        throw new Error('"command" is required!')
      }
      
      const value_cwd_61 = obj["cwd"]
      if (value_cwd_61 !== undefined) {
        json += ",\"cwd\":"
        
          if (value_cwd_61 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_cwd_61 === "string" ||
            value_cwd_61 === null ||
            value_cwd_61 instanceof Date ||
            value_cwd_61 instanceof RegExp ||
            (
              typeof value_cwd_61 === "object" &&
              typeof value_cwd_61.toString === "function" &&
              value_cwd_61.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_cwd_61 !== 'string') {
          if (value_cwd_61 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_cwd_61 instanceof Date) {
            json += JSON_STR_QUOTE + value_cwd_61.toISOString() + JSON_STR_QUOTE
          } else if (value_cwd_61 instanceof RegExp) {
            json += asString(value_cwd_61.source)
          } else {
            json += asString(value_cwd_61.toString())
          }
        } else {
          json += asString(value_cwd_61)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/agent_request/properties/cwd' does not match schema definition.")
  
      } else {
        throw new Error('"cwd" is required!')
      }
      
      const value_reason_62 = obj["reason"]
      if (value_reason_62 !== undefined) {
        json += ",\"reason\":"
        
          if (value_reason_62 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_reason_62 === "string" ||
            value_reason_62 === null ||
            value_reason_62 instanceof Date ||
            value_reason_62 instanceof RegExp ||
            (
              typeof value_reason_62 === "object" &&
              typeof value_reason_62.toString === "function" &&
              value_reason_62.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_reason_62 !== 'string') {
          if (value_reason_62 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_reason_62 instanceof Date) {
            json += JSON_STR_QUOTE + value_reason_62.toISOString() + JSON_STR_QUOTE
          } else if (value_reason_62 instanceof RegExp) {
            json += asString(value_reason_62.source)
          } else {
            json += asString(value_reason_62.toString())
          }
        } else {
          json += asString(value_reason_62)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/agent_request/properties/reason' does not match schema definition.")
  
      } else {
        throw new Error('"reason" is required!')
      }
      
      const value_diff_63 = obj["diff"]
      if (value_diff_63 !== undefined) {
        json += ",\"diff\":"
        
          if (value_diff_63 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_diff_63 === "string" ||
            value_diff_63 === null ||
            value_diff_63 instanceof Date ||
            value_diff_63 instanceof RegExp ||
            (
              typeof value_diff_63 === "object" &&
              typeof value_diff_63.toString === "function" &&
              value_diff_63.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_diff_63 !== 'string') {
          if (value_diff_63 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_diff_63 instanceof Date) {
            json += JSON_STR_QUOTE + value_diff_63.toISOString() + JSON_STR_QUOTE
          } else if (value_diff_63 instanceof RegExp) {
            json += asString(value_diff_63.source)
          } else {
            json += asString(value_diff_63.toString())
          }
        } else {
          json += asString(value_diff_63)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/agent_request/properties/diff' does not match schema definition.")
  
      } else {
        throw new Error('"diff" is required!')
      }
      
      const value_questions_64 = obj["questions"]
      if (value_questions_64 !== undefined) {
        json += ",\"questions\":"
        json += anonymous14(value_questions_64)
      } else {
        throw new Error('"questions" is required!')
      }
      
      const value_asked_at_70 = obj["asked_at"]
      if (value_asked_at_70 !== undefined) {
        json += ",\"asked_at\":"
        json += asDateTime(value_asked_at_70)
      } else {
        throw new Error('"asked_at" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/items"
      function anonymous3 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_12 = obj["issue_id"]
      if (value_issue_id_12 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_12 !== 'string') {
          if (value_issue_id_12 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_12 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_12.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_12 instanceof RegExp) {
            json += asString(value_issue_id_12.source)
          } else {
            json += asString(value_issue_id_12.toString())
          }
        } else {
          json += asString(value_issue_id_12)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_13 = obj["issue_identifier"]
      if (value_issue_identifier_13 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_13 !== 'string') {
          if (value_issue_identifier_13 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_13 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_13.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_13 instanceof RegExp) {
            json += asString(value_issue_identifier_13.source)
          } else {
            json += asString(value_issue_identifier_13.toString())
          }
        } else {
          json += asString(value_issue_identifier_13)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_title_14 = obj["title"]
      if (value_title_14 !== undefined) {
        json += ",\"title\":"
        
        if (typeof value_title_14 !== 'string') {
          if (value_title_14 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_title_14 instanceof Date) {
            json += JSON_STR_QUOTE + value_title_14.toISOString() + JSON_STR_QUOTE
          } else if (value_title_14 instanceof RegExp) {
            json += asString(value_title_14.source)
          } else {
            json += asString(value_title_14.toString())
          }
        } else {
          json += asString(value_title_14)
        }
        
      } else {
        throw new Error('"title" is required!')
      }
      
      const value_issue_url_15 = obj["issue_url"]
      if (value_issue_url_15 !== undefined) {
        json += ",\"issue_url\":"
        
          if (value_issue_url_15 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_issue_url_15 === "string" ||
            value_issue_url_15 === null ||
            value_issue_url_15 instanceof Date ||
            value_issue_url_15 instanceof RegExp ||
            (
              typeof value_issue_url_15 === "object" &&
              typeof value_issue_url_15.toString === "function" &&
              value_issue_url_15.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_issue_url_15 !== 'string') {
          if (value_issue_url_15 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_url_15 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_url_15.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_url_15 instanceof RegExp) {
            json += asString(value_issue_url_15.source)
          } else {
            json += asString(value_issue_url_15.toString())
          }
        } else {
          json += asString(value_issue_url_15)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/issue_url' does not match schema definition.")
  
      } else {
        throw new Error('"issue_url" is required!')
      }
      
      const value_state_16 = obj["state"]
      if (value_state_16 !== undefined) {
        json += ",\"state\":"
        
        if (typeof value_state_16 !== 'string') {
          if (value_state_16 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_state_16 instanceof Date) {
            json += JSON_STR_QUOTE + value_state_16.toISOString() + JSON_STR_QUOTE
          } else if (value_state_16 instanceof RegExp) {
            json += asString(value_state_16.source)
          } else {
            json += asString(value_state_16.toString())
          }
        } else {
          json += asString(value_state_16)
        }
        
      } else {
        throw new Error('"state" is required!')
      }
      
      const value_session_id_17 = obj["session_id"]
      if (value_session_id_17 !== undefined) {
        json += ",\"session_id\":"
        
          if (value_session_id_17 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_session_id_17 === "string" ||
            value_session_id_17 === null ||
            value_session_id_17 instanceof Date ||
            value_session_id_17 instanceof RegExp ||
            (
              typeof value_session_id_17 === "object" &&
              typeof value_session_id_17.toString === "function" &&
              value_session_id_17.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_session_id_17 !== 'string') {
          if (value_session_id_17 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_session_id_17 instanceof Date) {
            json += JSON_STR_QUOTE + value_session_id_17.toISOString() + JSON_STR_QUOTE
          } else if (value_session_id_17 instanceof RegExp) {
            json += asString(value_session_id_17.source)
          } else {
            json += asString(value_session_id_17.toString())
          }
        } else {
          json += asString(value_session_id_17)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/session_id' does not match schema definition.")
  
      } else {
        throw new Error('"session_id" is required!')
      }
      
      const value_last_event_18 = obj["last_event"]
      if (value_last_event_18 !== undefined) {
        json += ",\"last_event\":"
        
          if (value_last_event_18 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_18 === "string" ||
            value_last_event_18 === null ||
            value_last_event_18 instanceof Date ||
            value_last_event_18 instanceof RegExp ||
            (
              typeof value_last_event_18 === "object" &&
              typeof value_last_event_18.toString === "function" &&
              value_last_event_18.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_event_18 !== 'string') {
          if (value_last_event_18 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_event_18 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_event_18.toISOString() + JSON_STR_QUOTE
          } else if (value_last_event_18 instanceof RegExp) {
            json += asString(value_last_event_18.source)
          } else {
            json += asString(value_last_event_18.toString())
          }
        } else {
          json += asString(value_last_event_18)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/last_event' does not match schema definition.")
  
      } else {
        throw new Error('"last_event" is required!')
      }
      
      const value_last_message_19 = obj["last_message"]
      if (value_last_message_19 !== undefined) {
        json += ",\"last_message\":"
        
          if (value_last_message_19 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_message_19 === "string" ||
            value_last_message_19 === null ||
            value_last_message_19 instanceof Date ||
            value_last_message_19 instanceof RegExp ||
            (
              typeof value_last_message_19 === "object" &&
              typeof value_last_message_19.toString === "function" &&
              value_last_message_19.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_message_19 !== 'string') {
          if (value_last_message_19 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_message_19 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_message_19.toISOString() + JSON_STR_QUOTE
          } else if (value_last_message_19 instanceof RegExp) {
            json += asString(value_last_message_19.source)
          } else {
            json += asString(value_last_message_19.toString())
          }
        } else {
          json += asString(value_last_message_19)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/last_message' does not match schema definition.")
  
      } else {
        throw new Error('"last_message" is required!')
      }
      
      const value_last_event_at_20 = obj["last_event_at"]
      if (value_last_event_at_20 !== undefined) {
        json += ",\"last_event_at\":"
        
          if (value_last_event_at_20 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_at_20 === "string" ||
            value_last_event_at_20 === null ||
            value_last_event_at_20 instanceof Date ||
            value_last_event_at_20 instanceof RegExp ||
            (
              typeof value_last_event_at_20 === "object" &&
              typeof value_last_event_at_20.toString === "function" &&
              value_last_event_at_20.toString !== Object.prototype.toString
            )
          ) {
            json += asDateTime(value_last_event_at_20)
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/last_event_at' does not match schema definition.")
  
      } else {
        throw new Error('"last_event_at" is required!')
      }
      
      const value_turn_count_21 = obj["turn_count"]
      if (value_turn_count_21 !== undefined) {
        json += ",\"turn_count\":"
        json += asInteger(value_turn_count_21)
      } else {
        throw new Error('"turn_count" is required!')
      }
      
      const value_started_at_22 = obj["started_at"]
      if (value_started_at_22 !== undefined) {
        json += ",\"started_at\":"
        json += asDateTime(value_started_at_22)
      } else {
        throw new Error('"started_at" is required!')
      }
      
      const value_tokens_23 = obj["tokens"]
      if (value_tokens_23 !== undefined) {
        json += ",\"tokens\":"
        json += anonymous4(value_tokens_23)
      } else {
        throw new Error('"tokens" is required!')
      }
      
      const value_workspace_path_28 = obj["workspace_path"]
      if (value_workspace_path_28 !== undefined) {
        json += ",\"workspace_path\":"
        
          if (value_workspace_path_28 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_workspace_path_28 === "string" ||
            value_workspace_path_28 === null ||
            value_workspace_path_28 instanceof Date ||
            value_workspace_path_28 instanceof RegExp ||
            (
              typeof value_workspace_path_28 === "object" &&
              typeof value_workspace_path_28.toString === "function" &&
              value_workspace_path_28.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_workspace_path_28 !== 'string') {
          if (value_workspace_path_28 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_workspace_path_28 instanceof Date) {
            json += JSON_STR_QUOTE + value_workspace_path_28.toISOString() + JSON_STR_QUOTE
          } else if (value_workspace_path_28 instanceof RegExp) {
            json += asString(value_workspace_path_28.source)
          } else {
            json += asString(value_workspace_path_28.toString())
          }
        } else {
          json += asString(value_workspace_path_28)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/workspace_path' does not match schema definition.")
  
      } else {
        throw new Error('"workspace_path" is required!')
      }
      
      const value_attempt_29 = obj["attempt"]
      if (value_attempt_29 !== undefined) {
        json += ",\"attempt\":"
        
          if (value_attempt_29 === null) {
            json += JSON_STR_NULL
          }
          
          else if(Number.isInteger(value_attempt_29) || value_attempt_29 === null) {
            json += asInteger(value_attempt_29)
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/attempt' does not match schema definition.")
  
      } else {
        throw new Error('"attempt" is required!')
      }
      
      const value_worker_30 = obj["worker"]
      if (value_worker_30 !== undefined) {
        json += ",\"worker\":"
        
          if (value_worker_30 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_worker_30 === "object" && !Array.isArray(value_worker_30)) || value_worker_30 === null) {
            json += anonymous5(value_worker_30)
          }
        
    else throw new TypeError("The value of '#/properties/running/items/properties/worker' does not match schema definition.")
  
      } else {
        throw new Error('"worker" is required!')
      }
      
      const value_pipeline_34 = obj["pipeline"]
      if (value_pipeline_34 !== undefined) {
        json += ",\"pipeline\":"
        json += anonymous6(value_pipeline_34)
      }

      const value_agent_request_54 = obj["agent_request"]
      if (value_agent_request_54 !== undefined) {
        json += ",\"agent_request\":"
        json += anonymous13(value_agent_request_54)
      }

return json + JSON_STR_END_OBJECT

      }
    

    function anonymous2 (obj) {
      // "#/properties/running"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/running' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous3(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous3(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/retrying/items"
      function anonymous18 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_73 = obj["issue_id"]
      if (value_issue_id_73 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_73 !== 'string') {
          if (value_issue_id_73 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_73 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_73.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_73 instanceof RegExp) {
            json += asString(value_issue_id_73.source)
          } else {
            json += asString(value_issue_id_73.toString())
          }
        } else {
          json += asString(value_issue_id_73)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_74 = obj["issue_identifier"]
      if (value_issue_identifier_74 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_74 !== 'string') {
          if (value_issue_identifier_74 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_74 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_74.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_74 instanceof RegExp) {
            json += asString(value_issue_identifier_74.source)
          } else {
            json += asString(value_issue_identifier_74.toString())
          }
        } else {
          json += asString(value_issue_identifier_74)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_title_75 = obj["title"]
      if (value_title_75 !== undefined) {
        json += ",\"title\":"
        
        if (typeof value_title_75 !== 'string') {
          if (value_title_75 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_title_75 instanceof Date) {
            json += JSON_STR_QUOTE + value_title_75.toISOString() + JSON_STR_QUOTE
          } else if (value_title_75 instanceof RegExp) {
            json += asString(value_title_75.source)
          } else {
            json += asString(value_title_75.toString())
          }
        } else {
          json += asString(value_title_75)
        }
        
      } else {
        throw new Error('"title" is required!')
      }
      
      const value_issue_url_76 = obj["issue_url"]
      if (value_issue_url_76 !== undefined) {
        json += ",\"issue_url\":"
        
          if (value_issue_url_76 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_issue_url_76 === "string" ||
            value_issue_url_76 === null ||
            value_issue_url_76 instanceof Date ||
            value_issue_url_76 instanceof RegExp ||
            (
              typeof value_issue_url_76 === "object" &&
              typeof value_issue_url_76.toString === "function" &&
              value_issue_url_76.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_issue_url_76 !== 'string') {
          if (value_issue_url_76 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_url_76 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_url_76.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_url_76 instanceof RegExp) {
            json += asString(value_issue_url_76.source)
          } else {
            json += asString(value_issue_url_76.toString())
          }
        } else {
          json += asString(value_issue_url_76)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/retrying/items/properties/issue_url' does not match schema definition.")
  
      } else {
        throw new Error('"issue_url" is required!')
      }
      
      const value_attempt_77 = obj["attempt"]
      if (value_attempt_77 !== undefined) {
        json += ",\"attempt\":"
        json += asInteger(value_attempt_77)
      } else {
        throw new Error('"attempt" is required!')
      }
      
      const value_due_at_78 = obj["due_at"]
      if (value_due_at_78 !== undefined) {
        json += ",\"due_at\":"
        json += asDateTime(value_due_at_78)
      } else {
        throw new Error('"due_at" is required!')
      }
      
      const value_error_79 = obj["error"]
      if (value_error_79 !== undefined) {
        json += ",\"error\":"
        
          if (value_error_79 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_error_79 === "string" ||
            value_error_79 === null ||
            value_error_79 instanceof Date ||
            value_error_79 instanceof RegExp ||
            (
              typeof value_error_79 === "object" &&
              typeof value_error_79.toString === "function" &&
              value_error_79.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_error_79 !== 'string') {
          if (value_error_79 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_error_79 instanceof Date) {
            json += JSON_STR_QUOTE + value_error_79.toISOString() + JSON_STR_QUOTE
          } else if (value_error_79 instanceof RegExp) {
            json += asString(value_error_79.source)
          } else {
            json += asString(value_error_79.toString())
          }
        } else {
          json += asString(value_error_79)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/retrying/items/properties/error' does not match schema definition.")
  
      } else {
        throw new Error('"error" is required!')
      }
      
      const value_workspace_path_80 = obj["workspace_path"]
      if (value_workspace_path_80 !== undefined) {
        json += ",\"workspace_path\":"
        
          if (value_workspace_path_80 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_workspace_path_80 === "string" ||
            value_workspace_path_80 === null ||
            value_workspace_path_80 instanceof Date ||
            value_workspace_path_80 instanceof RegExp ||
            (
              typeof value_workspace_path_80 === "object" &&
              typeof value_workspace_path_80.toString === "function" &&
              value_workspace_path_80.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_workspace_path_80 !== 'string') {
          if (value_workspace_path_80 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_workspace_path_80 instanceof Date) {
            json += JSON_STR_QUOTE + value_workspace_path_80.toISOString() + JSON_STR_QUOTE
          } else if (value_workspace_path_80 instanceof RegExp) {
            json += asString(value_workspace_path_80.source)
          } else {
            json += asString(value_workspace_path_80.toString())
          }
        } else {
          json += asString(value_workspace_path_80)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/retrying/items/properties/workspace_path' does not match schema definition.")
  
      } else {
        throw new Error('"workspace_path" is required!')
      }
      
      const value_pipeline_81 = obj["pipeline"]
      if (value_pipeline_81 !== undefined) {
        json += ",\"pipeline\":"
        json += anonymous6(value_pipeline_81)
      }

return json + JSON_STR_END_OBJECT

      }
    

    function anonymous17 (obj) {
      // "#/properties/retrying"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/retrying' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous18(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous18(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/blocked/items"
      function anonymous20 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_84 = obj["issue_id"]
      if (value_issue_id_84 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_84 !== 'string') {
          if (value_issue_id_84 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_84 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_84.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_84 instanceof RegExp) {
            json += asString(value_issue_id_84.source)
          } else {
            json += asString(value_issue_id_84.toString())
          }
        } else {
          json += asString(value_issue_id_84)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_85 = obj["issue_identifier"]
      if (value_issue_identifier_85 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_85 !== 'string') {
          if (value_issue_identifier_85 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_85 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_85.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_85 instanceof RegExp) {
            json += asString(value_issue_identifier_85.source)
          } else {
            json += asString(value_issue_identifier_85.toString())
          }
        } else {
          json += asString(value_issue_identifier_85)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_title_86 = obj["title"]
      if (value_title_86 !== undefined) {
        json += ",\"title\":"
        
        if (typeof value_title_86 !== 'string') {
          if (value_title_86 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_title_86 instanceof Date) {
            json += JSON_STR_QUOTE + value_title_86.toISOString() + JSON_STR_QUOTE
          } else if (value_title_86 instanceof RegExp) {
            json += asString(value_title_86.source)
          } else {
            json += asString(value_title_86.toString())
          }
        } else {
          json += asString(value_title_86)
        }
        
      } else {
        throw new Error('"title" is required!')
      }
      
      const value_issue_url_87 = obj["issue_url"]
      if (value_issue_url_87 !== undefined) {
        json += ",\"issue_url\":"
        
          if (value_issue_url_87 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_issue_url_87 === "string" ||
            value_issue_url_87 === null ||
            value_issue_url_87 instanceof Date ||
            value_issue_url_87 instanceof RegExp ||
            (
              typeof value_issue_url_87 === "object" &&
              typeof value_issue_url_87.toString === "function" &&
              value_issue_url_87.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_issue_url_87 !== 'string') {
          if (value_issue_url_87 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_url_87 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_url_87.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_url_87 instanceof RegExp) {
            json += asString(value_issue_url_87.source)
          } else {
            json += asString(value_issue_url_87.toString())
          }
        } else {
          json += asString(value_issue_url_87)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/items/properties/issue_url' does not match schema definition.")
  
      } else {
        throw new Error('"issue_url" is required!')
      }
      
      const value_state_88 = obj["state"]
      if (value_state_88 !== undefined) {
        json += ",\"state\":"
        
        if (typeof value_state_88 !== 'string') {
          if (value_state_88 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_state_88 instanceof Date) {
            json += JSON_STR_QUOTE + value_state_88.toISOString() + JSON_STR_QUOTE
          } else if (value_state_88 instanceof RegExp) {
            json += asString(value_state_88.source)
          } else {
            json += asString(value_state_88.toString())
          }
        } else {
          json += asString(value_state_88)
        }
        
      } else {
        throw new Error('"state" is required!')
      }
      
      const value_error_89 = obj["error"]
      if (value_error_89 !== undefined) {
        json += ",\"error\":"
        
        if (typeof value_error_89 !== 'string') {
          if (value_error_89 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_error_89 instanceof Date) {
            json += JSON_STR_QUOTE + value_error_89.toISOString() + JSON_STR_QUOTE
          } else if (value_error_89 instanceof RegExp) {
            json += asString(value_error_89.source)
          } else {
            json += asString(value_error_89.toString())
          }
        } else {
          json += asString(value_error_89)
        }
        
      } else {
        throw new Error('"error" is required!')
      }
      
      const value_session_id_90 = obj["session_id"]
      if (value_session_id_90 !== undefined) {
        json += ",\"session_id\":"
        
          if (value_session_id_90 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_session_id_90 === "string" ||
            value_session_id_90 === null ||
            value_session_id_90 instanceof Date ||
            value_session_id_90 instanceof RegExp ||
            (
              typeof value_session_id_90 === "object" &&
              typeof value_session_id_90.toString === "function" &&
              value_session_id_90.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_session_id_90 !== 'string') {
          if (value_session_id_90 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_session_id_90 instanceof Date) {
            json += JSON_STR_QUOTE + value_session_id_90.toISOString() + JSON_STR_QUOTE
          } else if (value_session_id_90 instanceof RegExp) {
            json += asString(value_session_id_90.source)
          } else {
            json += asString(value_session_id_90.toString())
          }
        } else {
          json += asString(value_session_id_90)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/items/properties/session_id' does not match schema definition.")
  
      } else {
        throw new Error('"session_id" is required!')
      }
      
      const value_last_event_91 = obj["last_event"]
      if (value_last_event_91 !== undefined) {
        json += ",\"last_event\":"
        
          if (value_last_event_91 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_91 === "string" ||
            value_last_event_91 === null ||
            value_last_event_91 instanceof Date ||
            value_last_event_91 instanceof RegExp ||
            (
              typeof value_last_event_91 === "object" &&
              typeof value_last_event_91.toString === "function" &&
              value_last_event_91.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_event_91 !== 'string') {
          if (value_last_event_91 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_event_91 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_event_91.toISOString() + JSON_STR_QUOTE
          } else if (value_last_event_91 instanceof RegExp) {
            json += asString(value_last_event_91.source)
          } else {
            json += asString(value_last_event_91.toString())
          }
        } else {
          json += asString(value_last_event_91)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/items/properties/last_event' does not match schema definition.")
  
      } else {
        throw new Error('"last_event" is required!')
      }
      
      const value_last_message_92 = obj["last_message"]
      if (value_last_message_92 !== undefined) {
        json += ",\"last_message\":"
        
          if (value_last_message_92 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_message_92 === "string" ||
            value_last_message_92 === null ||
            value_last_message_92 instanceof Date ||
            value_last_message_92 instanceof RegExp ||
            (
              typeof value_last_message_92 === "object" &&
              typeof value_last_message_92.toString === "function" &&
              value_last_message_92.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_message_92 !== 'string') {
          if (value_last_message_92 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_message_92 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_message_92.toISOString() + JSON_STR_QUOTE
          } else if (value_last_message_92 instanceof RegExp) {
            json += asString(value_last_message_92.source)
          } else {
            json += asString(value_last_message_92.toString())
          }
        } else {
          json += asString(value_last_message_92)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/items/properties/last_message' does not match schema definition.")
  
      } else {
        throw new Error('"last_message" is required!')
      }
      
      const value_last_event_at_93 = obj["last_event_at"]
      if (value_last_event_at_93 !== undefined) {
        json += ",\"last_event_at\":"
        
          if (value_last_event_at_93 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_at_93 === "string" ||
            value_last_event_at_93 === null ||
            value_last_event_at_93 instanceof Date ||
            value_last_event_at_93 instanceof RegExp ||
            (
              typeof value_last_event_at_93 === "object" &&
              typeof value_last_event_at_93.toString === "function" &&
              value_last_event_at_93.toString !== Object.prototype.toString
            )
          ) {
            json += asDateTime(value_last_event_at_93)
          }
        
    else throw new TypeError("The value of '#/properties/blocked/items/properties/last_event_at' does not match schema definition.")
  
      } else {
        throw new Error('"last_event_at" is required!')
      }
      
      const value_blocked_at_94 = obj["blocked_at"]
      if (value_blocked_at_94 !== undefined) {
        json += ",\"blocked_at\":"
        json += asDateTime(value_blocked_at_94)
      } else {
        throw new Error('"blocked_at" is required!')
      }
      
      const value_workspace_path_95 = obj["workspace_path"]
      if (value_workspace_path_95 !== undefined) {
        json += ",\"workspace_path\":"
        
          if (value_workspace_path_95 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_workspace_path_95 === "string" ||
            value_workspace_path_95 === null ||
            value_workspace_path_95 instanceof Date ||
            value_workspace_path_95 instanceof RegExp ||
            (
              typeof value_workspace_path_95 === "object" &&
              typeof value_workspace_path_95.toString === "function" &&
              value_workspace_path_95.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_workspace_path_95 !== 'string') {
          if (value_workspace_path_95 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_workspace_path_95 instanceof Date) {
            json += JSON_STR_QUOTE + value_workspace_path_95.toISOString() + JSON_STR_QUOTE
          } else if (value_workspace_path_95 instanceof RegExp) {
            json += asString(value_workspace_path_95.source)
          } else {
            json += asString(value_workspace_path_95.toString())
          }
        } else {
          json += asString(value_workspace_path_95)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/items/properties/workspace_path' does not match schema definition.")
  
      } else {
        throw new Error('"workspace_path" is required!')
      }
      
      const value_pipeline_96 = obj["pipeline"]
      if (value_pipeline_96 !== undefined) {
        json += ",\"pipeline\":"
        json += anonymous6(value_pipeline_96)
      }

return json + JSON_STR_END_OBJECT

      }
    

    function anonymous19 (obj) {
      // "#/properties/blocked"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/blocked' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous20(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous20(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/stopped/items"
      function anonymous22 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_99 = obj["issue_id"]
      if (value_issue_id_99 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_99 !== 'string') {
          if (value_issue_id_99 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_99 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_99.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_99 instanceof RegExp) {
            json += asString(value_issue_id_99.source)
          } else {
            json += asString(value_issue_id_99.toString())
          }
        } else {
          json += asString(value_issue_id_99)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_100 = obj["issue_identifier"]
      if (value_issue_identifier_100 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_100 !== 'string') {
          if (value_issue_identifier_100 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_100 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_100.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_100 instanceof RegExp) {
            json += asString(value_issue_identifier_100.source)
          } else {
            json += asString(value_issue_identifier_100.toString())
          }
        } else {
          json += asString(value_issue_identifier_100)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_title_101 = obj["title"]
      if (value_title_101 !== undefined) {
        json += ",\"title\":"
        
        if (typeof value_title_101 !== 'string') {
          if (value_title_101 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_title_101 instanceof Date) {
            json += JSON_STR_QUOTE + value_title_101.toISOString() + JSON_STR_QUOTE
          } else if (value_title_101 instanceof RegExp) {
            json += asString(value_title_101.source)
          } else {
            json += asString(value_title_101.toString())
          }
        } else {
          json += asString(value_title_101)
        }
        
      } else {
        throw new Error('"title" is required!')
      }
      
      const value_issue_url_102 = obj["issue_url"]
      if (value_issue_url_102 !== undefined) {
        json += ",\"issue_url\":"
        
          if (value_issue_url_102 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_issue_url_102 === "string" ||
            value_issue_url_102 === null ||
            value_issue_url_102 instanceof Date ||
            value_issue_url_102 instanceof RegExp ||
            (
              typeof value_issue_url_102 === "object" &&
              typeof value_issue_url_102.toString === "function" &&
              value_issue_url_102.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_issue_url_102 !== 'string') {
          if (value_issue_url_102 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_url_102 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_url_102.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_url_102 instanceof RegExp) {
            json += asString(value_issue_url_102.source)
          } else {
            json += asString(value_issue_url_102.toString())
          }
        } else {
          json += asString(value_issue_url_102)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/items/properties/issue_url' does not match schema definition.")
  
      } else {
        throw new Error('"issue_url" is required!')
      }
      
      const value_state_103 = obj["state"]
      if (value_state_103 !== undefined) {
        json += ",\"state\":"
        
          if (value_state_103 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_state_103 === "string" ||
            value_state_103 === null ||
            value_state_103 instanceof Date ||
            value_state_103 instanceof RegExp ||
            (
              typeof value_state_103 === "object" &&
              typeof value_state_103.toString === "function" &&
              value_state_103.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_state_103 !== 'string') {
          if (value_state_103 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_state_103 instanceof Date) {
            json += JSON_STR_QUOTE + value_state_103.toISOString() + JSON_STR_QUOTE
          } else if (value_state_103 instanceof RegExp) {
            json += asString(value_state_103.source)
          } else {
            json += asString(value_state_103.toString())
          }
        } else {
          json += asString(value_state_103)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/items/properties/state' does not match schema definition.")
  
      } else {
        throw new Error('"state" is required!')
      }
      
      const value_reason_104 = obj["reason"]
      if (value_reason_104 !== undefined) {
        json += ",\"reason\":"
        
        if (typeof value_reason_104 !== 'string') {
          if (value_reason_104 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_reason_104 instanceof Date) {
            json += JSON_STR_QUOTE + value_reason_104.toISOString() + JSON_STR_QUOTE
          } else if (value_reason_104 instanceof RegExp) {
            json += asString(value_reason_104.source)
          } else {
            json += asString(value_reason_104.toString())
          }
        } else {
          json += asString(value_reason_104)
        }
        
      } else {
        throw new Error('"reason" is required!')
      }
      
      const value_stopped_at_105 = obj["stopped_at"]
      if (value_stopped_at_105 !== undefined) {
        json += ",\"stopped_at\":"
        json += asDateTime(value_stopped_at_105)
      } else {
        throw new Error('"stopped_at" is required!')
      }
      
      const value_attempt_106 = obj["attempt"]
      if (value_attempt_106 !== undefined) {
        json += ",\"attempt\":"
        
          if (value_attempt_106 === null) {
            json += JSON_STR_NULL
          }
          
          else if(Number.isInteger(value_attempt_106) || value_attempt_106 === null) {
            json += asInteger(value_attempt_106)
          }
        
    else throw new TypeError("The value of '#/properties/stopped/items/properties/attempt' does not match schema definition.")
  
      } else {
        throw new Error('"attempt" is required!')
      }
      
      const value_workspace_path_107 = obj["workspace_path"]
      if (value_workspace_path_107 !== undefined) {
        json += ",\"workspace_path\":"
        
          if (value_workspace_path_107 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_workspace_path_107 === "string" ||
            value_workspace_path_107 === null ||
            value_workspace_path_107 instanceof Date ||
            value_workspace_path_107 instanceof RegExp ||
            (
              typeof value_workspace_path_107 === "object" &&
              typeof value_workspace_path_107.toString === "function" &&
              value_workspace_path_107.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_workspace_path_107 !== 'string') {
          if (value_workspace_path_107 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_workspace_path_107 instanceof Date) {
            json += JSON_STR_QUOTE + value_workspace_path_107.toISOString() + JSON_STR_QUOTE
          } else if (value_workspace_path_107 instanceof RegExp) {
            json += asString(value_workspace_path_107.source)
          } else {
            json += asString(value_workspace_path_107.toString())
          }
        } else {
          json += asString(value_workspace_path_107)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/items/properties/workspace_path' does not match schema definition.")
  
      } else {
        throw new Error('"workspace_path" is required!')
      }
      
      const value_session_id_108 = obj["session_id"]
      if (value_session_id_108 !== undefined) {
        json += ",\"session_id\":"
        
          if (value_session_id_108 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_session_id_108 === "string" ||
            value_session_id_108 === null ||
            value_session_id_108 instanceof Date ||
            value_session_id_108 instanceof RegExp ||
            (
              typeof value_session_id_108 === "object" &&
              typeof value_session_id_108.toString === "function" &&
              value_session_id_108.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_session_id_108 !== 'string') {
          if (value_session_id_108 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_session_id_108 instanceof Date) {
            json += JSON_STR_QUOTE + value_session_id_108.toISOString() + JSON_STR_QUOTE
          } else if (value_session_id_108 instanceof RegExp) {
            json += asString(value_session_id_108.source)
          } else {
            json += asString(value_session_id_108.toString())
          }
        } else {
          json += asString(value_session_id_108)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/items/properties/session_id' does not match schema definition.")
  
      } else {
        throw new Error('"session_id" is required!')
      }
      
      const value_last_event_109 = obj["last_event"]
      if (value_last_event_109 !== undefined) {
        json += ",\"last_event\":"
        
          if (value_last_event_109 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_109 === "string" ||
            value_last_event_109 === null ||
            value_last_event_109 instanceof Date ||
            value_last_event_109 instanceof RegExp ||
            (
              typeof value_last_event_109 === "object" &&
              typeof value_last_event_109.toString === "function" &&
              value_last_event_109.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_event_109 !== 'string') {
          if (value_last_event_109 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_event_109 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_event_109.toISOString() + JSON_STR_QUOTE
          } else if (value_last_event_109 instanceof RegExp) {
            json += asString(value_last_event_109.source)
          } else {
            json += asString(value_last_event_109.toString())
          }
        } else {
          json += asString(value_last_event_109)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/items/properties/last_event' does not match schema definition.")
  
      } else {
        throw new Error('"last_event" is required!')
      }
      
      const value_last_message_110 = obj["last_message"]
      if (value_last_message_110 !== undefined) {
        json += ",\"last_message\":"
        
          if (value_last_message_110 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_message_110 === "string" ||
            value_last_message_110 === null ||
            value_last_message_110 instanceof Date ||
            value_last_message_110 instanceof RegExp ||
            (
              typeof value_last_message_110 === "object" &&
              typeof value_last_message_110.toString === "function" &&
              value_last_message_110.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_message_110 !== 'string') {
          if (value_last_message_110 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_message_110 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_message_110.toISOString() + JSON_STR_QUOTE
          } else if (value_last_message_110 instanceof RegExp) {
            json += asString(value_last_message_110.source)
          } else {
            json += asString(value_last_message_110.toString())
          }
        } else {
          json += asString(value_last_message_110)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/items/properties/last_message' does not match schema definition.")
  
      } else {
        throw new Error('"last_message" is required!')
      }
      
      const value_last_event_at_111 = obj["last_event_at"]
      if (value_last_event_at_111 !== undefined) {
        json += ",\"last_event_at\":"
        
          if (value_last_event_at_111 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_at_111 === "string" ||
            value_last_event_at_111 === null ||
            value_last_event_at_111 instanceof Date ||
            value_last_event_at_111 instanceof RegExp ||
            (
              typeof value_last_event_at_111 === "object" &&
              typeof value_last_event_at_111.toString === "function" &&
              value_last_event_at_111.toString !== Object.prototype.toString
            )
          ) {
            json += asDateTime(value_last_event_at_111)
          }
        
    else throw new TypeError("The value of '#/properties/stopped/items/properties/last_event_at' does not match schema definition.")
  
      } else {
        throw new Error('"last_event_at" is required!')
      }
      
      const value_pipeline_112 = obj["pipeline"]
      if (value_pipeline_112 !== undefined) {
        json += ",\"pipeline\":"
        json += anonymous6(value_pipeline_112)
      }

return json + JSON_STR_END_OBJECT

      }
    

    function anonymous21 (obj) {
      // "#/properties/stopped"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/stopped' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous22(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous22(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/awaiting_approval/items/properties/pipeline/properties/waiting"
      function anonymous26 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_gate_id_132 = obj["gate_id"]
      if (value_gate_id_132 !== undefined) {
        json += "{\"gate_id\":"
        
        if (typeof value_gate_id_132 !== 'string') {
          if (value_gate_id_132 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_gate_id_132 instanceof Date) {
            json += JSON_STR_QUOTE + value_gate_id_132.toISOString() + JSON_STR_QUOTE
          } else if (value_gate_id_132 instanceof RegExp) {
            json += asString(value_gate_id_132.source)
          } else {
            json += asString(value_gate_id_132.toString())
          }
        } else {
          json += asString(value_gate_id_132)
        }
        
      } else {
        throw new Error('"gate_id" is required!')
      }
      
      const value_artifact_133 = obj["artifact"]
      if (value_artifact_133 !== undefined) {
        json += ",\"artifact\":"
        
          if (value_artifact_133 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_artifact_133 === "string" ||
            value_artifact_133 === null ||
            value_artifact_133 instanceof Date ||
            value_artifact_133 instanceof RegExp ||
            (
              typeof value_artifact_133 === "object" &&
              typeof value_artifact_133.toString === "function" &&
              value_artifact_133.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_artifact_133 !== 'string') {
          if (value_artifact_133 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_artifact_133 instanceof Date) {
            json += JSON_STR_QUOTE + value_artifact_133.toISOString() + JSON_STR_QUOTE
          } else if (value_artifact_133 instanceof RegExp) {
            json += asString(value_artifact_133.source)
          } else {
            json += asString(value_artifact_133.toString())
          }
        } else {
          json += asString(value_artifact_133)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/awaiting_approval/items/properties/pipeline/properties/waiting/properties/artifact' does not match schema definition.")
  
      } else {
        throw new Error('"artifact" is required!')
      }
      
      const value_since_134 = obj["since"]
      if (value_since_134 !== undefined) {
        json += ",\"since\":"
        json += asDateTime(value_since_134)
      } else {
        throw new Error('"since" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/awaiting_approval/items/properties/pipeline"
      function anonymous25 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_phases_126 = obj["phases"]
      if (value_phases_126 !== undefined) {
        json += "{\"phases\":"
        json += anonymous7(value_phases_126)
      } else {
        throw new Error('"phases" is required!')
      }
      
      const value_current_127 = obj["current"]
      if (value_current_127 !== undefined) {
        json += ",\"current\":"
        
          if (value_current_127 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_current_127 === "string" ||
            value_current_127 === null ||
            value_current_127 instanceof Date ||
            value_current_127 instanceof RegExp ||
            (
              typeof value_current_127 === "object" &&
              typeof value_current_127.toString === "function" &&
              value_current_127.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_current_127 !== 'string') {
          if (value_current_127 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_current_127 instanceof Date) {
            json += JSON_STR_QUOTE + value_current_127.toISOString() + JSON_STR_QUOTE
          } else if (value_current_127 instanceof RegExp) {
            json += asString(value_current_127.source)
          } else {
            json += asString(value_current_127.toString())
          }
        } else {
          json += asString(value_current_127)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/awaiting_approval/items/properties/pipeline/properties/current' does not match schema definition.")
  
      } else {
        throw new Error('"current" is required!')
      }
      
      const value_cycles_128 = obj["cycles"]
      if (value_cycles_128 !== undefined) {
        json += ",\"cycles\":"
        json += asInteger(value_cycles_128)
      } else {
        throw new Error('"cycles" is required!')
      }
      
      const value_cycles_by_phase_129 = obj["cycles_by_phase"]
      if (value_cycles_by_phase_129 !== undefined) {
        json += ",\"cycles_by_phase\":"
        json += anonymous9(value_cycles_by_phase_129)
      } else {
        throw new Error('"cycles_by_phase" is required!')
      }
      
      const value_waiting_130 = obj["waiting"]
      if (value_waiting_130 !== undefined) {
        json += ",\"waiting\":"
        
          if (value_waiting_130 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_waiting_130 === "object" && !Array.isArray(value_waiting_130)) || value_waiting_130 === null) {
            json += anonymous26(value_waiting_130)
          }
        
    else throw new TypeError("The value of '#/properties/awaiting_approval/items/properties/pipeline/properties/waiting' does not match schema definition.")
  
      } else {
        throw new Error('"waiting" is required!')
      }
      
      const value_gates_135 = obj["gates"]
      if (value_gates_135 !== undefined) {
        json += ",\"gates\":"
        json += anonymous11(value_gates_135)
      } else {
        throw new Error('"gates" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/awaiting_approval/items"
      function anonymous24 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_115 = obj["issue_id"]
      if (value_issue_id_115 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_115 !== 'string') {
          if (value_issue_id_115 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_115 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_115.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_115 instanceof RegExp) {
            json += asString(value_issue_id_115.source)
          } else {
            json += asString(value_issue_id_115.toString())
          }
        } else {
          json += asString(value_issue_id_115)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_116 = obj["issue_identifier"]
      if (value_issue_identifier_116 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_116 !== 'string') {
          if (value_issue_identifier_116 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_116 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_116.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_116 instanceof RegExp) {
            json += asString(value_issue_identifier_116.source)
          } else {
            json += asString(value_issue_identifier_116.toString())
          }
        } else {
          json += asString(value_issue_identifier_116)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_title_117 = obj["title"]
      if (value_title_117 !== undefined) {
        json += ",\"title\":"
        
        if (typeof value_title_117 !== 'string') {
          if (value_title_117 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_title_117 instanceof Date) {
            json += JSON_STR_QUOTE + value_title_117.toISOString() + JSON_STR_QUOTE
          } else if (value_title_117 instanceof RegExp) {
            json += asString(value_title_117.source)
          } else {
            json += asString(value_title_117.toString())
          }
        } else {
          json += asString(value_title_117)
        }
        
      } else {
        throw new Error('"title" is required!')
      }
      
      const value_issue_url_118 = obj["issue_url"]
      if (value_issue_url_118 !== undefined) {
        json += ",\"issue_url\":"
        
          if (value_issue_url_118 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_issue_url_118 === "string" ||
            value_issue_url_118 === null ||
            value_issue_url_118 instanceof Date ||
            value_issue_url_118 instanceof RegExp ||
            (
              typeof value_issue_url_118 === "object" &&
              typeof value_issue_url_118.toString === "function" &&
              value_issue_url_118.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_issue_url_118 !== 'string') {
          if (value_issue_url_118 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_url_118 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_url_118.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_url_118 instanceof RegExp) {
            json += asString(value_issue_url_118.source)
          } else {
            json += asString(value_issue_url_118.toString())
          }
        } else {
          json += asString(value_issue_url_118)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/awaiting_approval/items/properties/issue_url' does not match schema definition.")
  
      } else {
        throw new Error('"issue_url" is required!')
      }
      
      const value_state_119 = obj["state"]
      if (value_state_119 !== undefined) {
        json += ",\"state\":"
        
        if (typeof value_state_119 !== 'string') {
          if (value_state_119 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_state_119 instanceof Date) {
            json += JSON_STR_QUOTE + value_state_119.toISOString() + JSON_STR_QUOTE
          } else if (value_state_119 instanceof RegExp) {
            json += asString(value_state_119.source)
          } else {
            json += asString(value_state_119.toString())
          }
        } else {
          json += asString(value_state_119)
        }
        
      } else {
        throw new Error('"state" is required!')
      }
      
      const value_gate_id_120 = obj["gate_id"]
      if (value_gate_id_120 !== undefined) {
        json += ",\"gate_id\":"
        
        if (typeof value_gate_id_120 !== 'string') {
          if (value_gate_id_120 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_gate_id_120 instanceof Date) {
            json += JSON_STR_QUOTE + value_gate_id_120.toISOString() + JSON_STR_QUOTE
          } else if (value_gate_id_120 instanceof RegExp) {
            json += asString(value_gate_id_120.source)
          } else {
            json += asString(value_gate_id_120.toString())
          }
        } else {
          json += asString(value_gate_id_120)
        }
        
      } else {
        throw new Error('"gate_id" is required!')
      }
      
      const value_artifact_121 = obj["artifact"]
      if (value_artifact_121 !== undefined) {
        json += ",\"artifact\":"
        
          if (value_artifact_121 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_artifact_121 === "string" ||
            value_artifact_121 === null ||
            value_artifact_121 instanceof Date ||
            value_artifact_121 instanceof RegExp ||
            (
              typeof value_artifact_121 === "object" &&
              typeof value_artifact_121.toString === "function" &&
              value_artifact_121.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_artifact_121 !== 'string') {
          if (value_artifact_121 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_artifact_121 instanceof Date) {
            json += JSON_STR_QUOTE + value_artifact_121.toISOString() + JSON_STR_QUOTE
          } else if (value_artifact_121 instanceof RegExp) {
            json += asString(value_artifact_121.source)
          } else {
            json += asString(value_artifact_121.toString())
          }
        } else {
          json += asString(value_artifact_121)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/awaiting_approval/items/properties/artifact' does not match schema definition.")
  
      } else {
        throw new Error('"artifact" is required!')
      }
      
      const value_since_122 = obj["since"]
      if (value_since_122 !== undefined) {
        json += ",\"since\":"
        json += asDateTime(value_since_122)
      } else {
        throw new Error('"since" is required!')
      }
      
      const value_workspace_path_123 = obj["workspace_path"]
      if (value_workspace_path_123 !== undefined) {
        json += ",\"workspace_path\":"
        
          if (value_workspace_path_123 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_workspace_path_123 === "string" ||
            value_workspace_path_123 === null ||
            value_workspace_path_123 instanceof Date ||
            value_workspace_path_123 instanceof RegExp ||
            (
              typeof value_workspace_path_123 === "object" &&
              typeof value_workspace_path_123.toString === "function" &&
              value_workspace_path_123.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_workspace_path_123 !== 'string') {
          if (value_workspace_path_123 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_workspace_path_123 instanceof Date) {
            json += JSON_STR_QUOTE + value_workspace_path_123.toISOString() + JSON_STR_QUOTE
          } else if (value_workspace_path_123 instanceof RegExp) {
            json += asString(value_workspace_path_123.source)
          } else {
            json += asString(value_workspace_path_123.toString())
          }
        } else {
          json += asString(value_workspace_path_123)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/awaiting_approval/items/properties/workspace_path' does not match schema definition.")
  
      } else {
        throw new Error('"workspace_path" is required!')
      }
      
      const value_pipeline_124 = obj["pipeline"]
      if (value_pipeline_124 !== undefined) {
        json += ",\"pipeline\":"
        
          if (value_pipeline_124 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_pipeline_124 === "object" && !Array.isArray(value_pipeline_124)) || value_pipeline_124 === null) {
            json += anonymous25(value_pipeline_124)
          }
        
    else throw new TypeError("The value of '#/properties/awaiting_approval/items/properties/pipeline' does not match schema definition.")
  
      } else {
        throw new Error('"pipeline" is required!')
      }
      
      const value_agent_request_136 = obj["agent_request"]
      if (value_agent_request_136 !== undefined) {
        json += ",\"agent_request\":"
        json += anonymous13(value_agent_request_136)
      }

return json + JSON_STR_END_OBJECT

      }
    

    function anonymous23 (obj) {
      // "#/properties/awaiting_approval"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/awaiting_approval' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous24(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous24(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/codex_totals"
      function anonymous27 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_input_tokens_139 = obj["input_tokens"]
      if (value_input_tokens_139 !== undefined) {
        json += "{\"input_tokens\":"
        json += asInteger(value_input_tokens_139)
      } else {
        throw new Error('"input_tokens" is required!')
      }
      
      const value_output_tokens_140 = obj["output_tokens"]
      if (value_output_tokens_140 !== undefined) {
        json += ",\"output_tokens\":"
        json += asInteger(value_output_tokens_140)
      } else {
        throw new Error('"output_tokens" is required!')
      }
      
      const value_total_tokens_141 = obj["total_tokens"]
      if (value_total_tokens_141 !== undefined) {
        json += ",\"total_tokens\":"
        json += asInteger(value_total_tokens_141)
      } else {
        throw new Error('"total_tokens" is required!')
      }
      
      const value_seconds_running_142 = obj["seconds_running"]
      if (value_seconds_running_142 !== undefined) {
        json += ",\"seconds_running\":"
        json += asNumber(value_seconds_running_142)
      } else {
        throw new Error('"seconds_running" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/last_error"
      function anonymous28 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_category_146 = obj["category"]
      if (value_category_146 !== undefined) {
        json += "{\"category\":"
        
        if (typeof value_category_146 !== 'string') {
          if (value_category_146 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_category_146 instanceof Date) {
            json += JSON_STR_QUOTE + value_category_146.toISOString() + JSON_STR_QUOTE
          } else if (value_category_146 instanceof RegExp) {
            json += asString(value_category_146.source)
          } else {
            json += asString(value_category_146.toString())
          }
        } else {
          json += asString(value_category_146)
        }
        
      } else {
        throw new Error('"category" is required!')
      }
      
      const value_message_147 = obj["message"]
      if (value_message_147 !== undefined) {
        json += ",\"message\":"
        
        if (typeof value_message_147 !== 'string') {
          if (value_message_147 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_message_147 instanceof Date) {
            json += JSON_STR_QUOTE + value_message_147.toISOString() + JSON_STR_QUOTE
          } else if (value_message_147 instanceof RegExp) {
            json += asString(value_message_147.source)
          } else {
            json += asString(value_message_147.toString())
          }
        } else {
          json += asString(value_message_147)
        }
        
      } else {
        throw new Error('"message" is required!')
      }
      
      const value_at_148 = obj["at"]
      if (value_at_148 !== undefined) {
        json += ",\"at\":"
        json += asDateTime(value_at_148)
      } else {
        throw new Error('"at" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/polling"
      function anonymous29 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_checking_151 = obj["checking"]
      if (value_checking_151 !== undefined) {
        json += "{\"checking\":"
        json += asBoolean(value_checking_151)
      } else {
        throw new Error('"checking" is required!')
      }
      
      const value_next_tick_at_152 = obj["next_tick_at"]
      if (value_next_tick_at_152 !== undefined) {
        json += ",\"next_tick_at\":"
        
          if (value_next_tick_at_152 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_next_tick_at_152 === "string" ||
            value_next_tick_at_152 === null ||
            value_next_tick_at_152 instanceof Date ||
            value_next_tick_at_152 instanceof RegExp ||
            (
              typeof value_next_tick_at_152 === "object" &&
              typeof value_next_tick_at_152.toString === "function" &&
              value_next_tick_at_152.toString !== Object.prototype.toString
            )
          ) {
            json += asDateTime(value_next_tick_at_152)
          }
        
    else throw new TypeError("The value of '#/properties/polling/properties/next_tick_at' does not match schema definition.")
  
      } else {
        throw new Error('"next_tick_at" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/state_store/properties/error"
      function anonymous31 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_category_159 = obj["category"]
      if (value_category_159 !== undefined) {
        json += "{\"category\":"
        
        if (typeof value_category_159 !== 'string') {
          if (value_category_159 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_category_159 instanceof Date) {
            json += JSON_STR_QUOTE + value_category_159.toISOString() + JSON_STR_QUOTE
          } else if (value_category_159 instanceof RegExp) {
            json += asString(value_category_159.source)
          } else {
            json += asString(value_category_159.toString())
          }
        } else {
          json += asString(value_category_159)
        }
        
      } else {
        throw new Error('"category" is required!')
      }
      
      const value_message_160 = obj["message"]
      if (value_message_160 !== undefined) {
        json += ",\"message\":"
        
        if (typeof value_message_160 !== 'string') {
          if (value_message_160 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_message_160 instanceof Date) {
            json += JSON_STR_QUOTE + value_message_160.toISOString() + JSON_STR_QUOTE
          } else if (value_message_160 instanceof RegExp) {
            json += asString(value_message_160.source)
          } else {
            json += asString(value_message_160.toString())
          }
        } else {
          json += asString(value_message_160)
        }
        
      } else {
        throw new Error('"message" is required!')
      }
      
      const value_at_161 = obj["at"]
      if (value_at_161 !== undefined) {
        json += ",\"at\":"
        json += asDateTime(value_at_161)
      } else {
        throw new Error('"at" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/state_store"
      function anonymous30 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_kind_155 = obj["kind"]
      if (value_kind_155 !== undefined) {
        json += "{\"kind\":"
        
        if (typeof value_kind_155 !== 'string') {
          if (value_kind_155 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_kind_155 instanceof Date) {
            json += JSON_STR_QUOTE + value_kind_155.toISOString() + JSON_STR_QUOTE
          } else if (value_kind_155 instanceof RegExp) {
            json += asString(value_kind_155.source)
          } else {
            json += asString(value_kind_155.toString())
          }
        } else {
          json += asString(value_kind_155)
        }
        
      } else {
        throw new Error('"kind" is required!')
      }
      
      const value_path_156 = obj["path"]
      if (value_path_156 !== undefined) {
        json += ",\"path\":"
        
          if (value_path_156 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_path_156 === "string" ||
            value_path_156 === null ||
            value_path_156 instanceof Date ||
            value_path_156 instanceof RegExp ||
            (
              typeof value_path_156 === "object" &&
              typeof value_path_156.toString === "function" &&
              value_path_156.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_path_156 !== 'string') {
          if (value_path_156 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_path_156 instanceof Date) {
            json += JSON_STR_QUOTE + value_path_156.toISOString() + JSON_STR_QUOTE
          } else if (value_path_156 instanceof RegExp) {
            json += asString(value_path_156.source)
          } else {
            json += asString(value_path_156.toString())
          }
        } else {
          json += asString(value_path_156)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/state_store/properties/path' does not match schema definition.")
  
      } else {
        throw new Error('"path" is required!')
      }
      
      const value_error_157 = obj["error"]
      if (value_error_157 !== undefined) {
        json += ",\"error\":"
        
          if (value_error_157 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_error_157 === "object" && !Array.isArray(value_error_157)) || value_error_157 === null) {
            json += anonymous31(value_error_157)
          }
        
    else throw new TypeError("The value of '#/properties/state_store/properties/error' does not match schema definition.")
  
      } else {
        throw new Error('"error" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/connections/items"
      function anonymous33 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_role_164 = obj["role"]
      if (value_role_164 !== undefined) {
        json += "{\"role\":"
        
        if (typeof value_role_164 !== 'string') {
          if (value_role_164 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_role_164 instanceof Date) {
            json += JSON_STR_QUOTE + value_role_164.toISOString() + JSON_STR_QUOTE
          } else if (value_role_164 instanceof RegExp) {
            json += asString(value_role_164.source)
          } else {
            json += asString(value_role_164.toString())
          }
        } else {
          json += asString(value_role_164)
        }
        
      } else {
        throw new Error('"role" is required!')
      }
      
      const value_url_165 = obj["url"]
      if (value_url_165 !== undefined) {
        json += ",\"url\":"
        
        if (typeof value_url_165 !== 'string') {
          if (value_url_165 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_url_165 instanceof Date) {
            json += JSON_STR_QUOTE + value_url_165.toISOString() + JSON_STR_QUOTE
          } else if (value_url_165 instanceof RegExp) {
            json += asString(value_url_165.source)
          } else {
            json += asString(value_url_165.toString())
          }
        } else {
          json += asString(value_url_165)
        }
        
      } else {
        throw new Error('"url" is required!')
      }
      
      const value_status_166 = obj["status"]
      if (value_status_166 !== undefined) {
        json += ",\"status\":"
        
        if (typeof value_status_166 !== 'string') {
          if (value_status_166 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_status_166 instanceof Date) {
            json += JSON_STR_QUOTE + value_status_166.toISOString() + JSON_STR_QUOTE
          } else if (value_status_166 instanceof RegExp) {
            json += asString(value_status_166.source)
          } else {
            json += asString(value_status_166.toString())
          }
        } else {
          json += asString(value_status_166)
        }
        
      } else {
        throw new Error('"status" is required!')
      }
      
      const value_since_167 = obj["since"]
      if (value_since_167 !== undefined) {
        json += ",\"since\":"
        json += asDateTime(value_since_167)
      } else {
        throw new Error('"since" is required!')
      }
      
      const value_last_error_168 = obj["last_error"]
      if (value_last_error_168 !== undefined) {
        json += ",\"last_error\":"
        
          if (value_last_error_168 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_error_168 === "string" ||
            value_last_error_168 === null ||
            value_last_error_168 instanceof Date ||
            value_last_error_168 instanceof RegExp ||
            (
              typeof value_last_error_168 === "object" &&
              typeof value_last_error_168.toString === "function" &&
              value_last_error_168.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_error_168 !== 'string') {
          if (value_last_error_168 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_error_168 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_error_168.toISOString() + JSON_STR_QUOTE
          } else if (value_last_error_168 instanceof RegExp) {
            json += asString(value_last_error_168.source)
          } else {
            json += asString(value_last_error_168.toString())
          }
        } else {
          json += asString(value_last_error_168)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/connections/items/properties/last_error' does not match schema definition.")
  
      } else {
        throw new Error('"last_error" is required!')
      }
      
      const value_failed_attempts_169 = obj["failed_attempts"]
      if (value_failed_attempts_169 !== undefined) {
        json += ",\"failed_attempts\":"
        json += asInteger(value_failed_attempts_169)
      } else {
        throw new Error('"failed_attempts" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous32 (obj) {
      // "#/properties/connections"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/connections' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous33(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous33(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/budget/properties/period"
      function anonymous35 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_name_174 = obj["name"]
      if (value_name_174 !== undefined) {
        json += "{\"name\":"
        
          if (value_name_174 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_name_174 === "string" ||
            value_name_174 === null ||
            value_name_174 instanceof Date ||
            value_name_174 instanceof RegExp ||
            (
              typeof value_name_174 === "object" &&
              typeof value_name_174.toString === "function" &&
              value_name_174.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_name_174 !== 'string') {
          if (value_name_174 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_name_174 instanceof Date) {
            json += JSON_STR_QUOTE + value_name_174.toISOString() + JSON_STR_QUOTE
          } else if (value_name_174 instanceof RegExp) {
            json += asString(value_name_174.source)
          } else {
            json += asString(value_name_174.toString())
          }
        } else {
          json += asString(value_name_174)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/budget/properties/period/properties/name' does not match schema definition.")
  
      } else {
        throw new Error('"name" is required!')
      }
      
      const value_key_175 = obj["key"]
      if (value_key_175 !== undefined) {
        json += ",\"key\":"
        
          if (value_key_175 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_key_175 === "string" ||
            value_key_175 === null ||
            value_key_175 instanceof Date ||
            value_key_175 instanceof RegExp ||
            (
              typeof value_key_175 === "object" &&
              typeof value_key_175.toString === "function" &&
              value_key_175.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_key_175 !== 'string') {
          if (value_key_175 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_key_175 instanceof Date) {
            json += JSON_STR_QUOTE + value_key_175.toISOString() + JSON_STR_QUOTE
          } else if (value_key_175 instanceof RegExp) {
            json += asString(value_key_175.source)
          } else {
            json += asString(value_key_175.toString())
          }
        } else {
          json += asString(value_key_175)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/budget/properties/period/properties/key' does not match schema definition.")
  
      } else {
        throw new Error('"key" is required!')
      }
      
      const value_tokens_176 = obj["tokens"]
      if (value_tokens_176 !== undefined) {
        json += ",\"tokens\":"
        json += asInteger(value_tokens_176)
      } else {
        throw new Error('"tokens" is required!')
      }
      
      const value_max_tokens_177 = obj["max_tokens"]
      if (value_max_tokens_177 !== undefined) {
        json += ",\"max_tokens\":"
        
          if (value_max_tokens_177 === null) {
            json += JSON_STR_NULL
          }
          
          else if(Number.isInteger(value_max_tokens_177) || value_max_tokens_177 === null) {
            json += asInteger(value_max_tokens_177)
          }
        
    else throw new TypeError("The value of '#/properties/budget/properties/period/properties/max_tokens' does not match schema definition.")
  
      } else {
        throw new Error('"max_tokens" is required!')
      }
      
      const value_exhausted_178 = obj["exhausted"]
      if (value_exhausted_178 !== undefined) {
        json += ",\"exhausted\":"
        json += asBoolean(value_exhausted_178)
      } else {
        throw new Error('"exhausted" is required!')
      }
      
      const value_cost_179 = obj["cost"]
      if (value_cost_179 !== undefined) {
        json += ",\"cost\":"
        
          if (value_cost_179 === null) {
            json += JSON_STR_NULL
          }
          
          else if(typeof value_cost_179 === "number" || value_cost_179 === null) {
            json += asNumber(value_cost_179)
          }
        
    else throw new TypeError("The value of '#/properties/budget/properties/period/properties/cost' does not match schema definition.")
  
      } else {
        throw new Error('"cost" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/budget/properties/issues/items"
      function anonymous37 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_185 = obj["issue_id"]
      if (value_issue_id_185 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_185 !== 'string') {
          if (value_issue_id_185 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_185 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_185.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_185 instanceof RegExp) {
            json += asString(value_issue_id_185.source)
          } else {
            json += asString(value_issue_id_185.toString())
          }
        } else {
          json += asString(value_issue_id_185)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_186 = obj["issue_identifier"]
      if (value_issue_identifier_186 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_186 !== 'string') {
          if (value_issue_identifier_186 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_186 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_186.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_186 instanceof RegExp) {
            json += asString(value_issue_identifier_186.source)
          } else {
            json += asString(value_issue_identifier_186.toString())
          }
        } else {
          json += asString(value_issue_identifier_186)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_tokens_187 = obj["tokens"]
      if (value_tokens_187 !== undefined) {
        json += ",\"tokens\":"
        json += asInteger(value_tokens_187)
      } else {
        throw new Error('"tokens" is required!')
      }
      
      const value_max_tokens_188 = obj["max_tokens"]
      if (value_max_tokens_188 !== undefined) {
        json += ",\"max_tokens\":"
        
          if (value_max_tokens_188 === null) {
            json += JSON_STR_NULL
          }
          
          else if(Number.isInteger(value_max_tokens_188) || value_max_tokens_188 === null) {
            json += asInteger(value_max_tokens_188)
          }
        
    else throw new TypeError("The value of '#/properties/budget/properties/issues/items/properties/max_tokens' does not match schema definition.")
  
      } else {
        throw new Error('"max_tokens" is required!')
      }
      
      const value_cost_189 = obj["cost"]
      if (value_cost_189 !== undefined) {
        json += ",\"cost\":"
        
          if (value_cost_189 === null) {
            json += JSON_STR_NULL
          }
          
          else if(typeof value_cost_189 === "number" || value_cost_189 === null) {
            json += asNumber(value_cost_189)
          }
        
    else throw new TypeError("The value of '#/properties/budget/properties/issues/items/properties/cost' does not match schema definition.")
  
      } else {
        throw new Error('"cost" is required!')
      }
      
      const value_held_190 = obj["held"]
      if (value_held_190 !== undefined) {
        json += ",\"held\":"
        json += asBoolean(value_held_190)
      } else {
        throw new Error('"held" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous36 (obj) {
      // "#/properties/budget/properties/issues"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/budget/properties/issues' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous37(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous37(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/budget"
      function anonymous34 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_period_172 = obj["period"]
      if (value_period_172 !== undefined) {
        json += "{\"period\":"
        json += anonymous35(value_period_172)
      } else {
        throw new Error('"period" is required!')
      }
      
      const value_max_tokens_per_issue_180 = obj["max_tokens_per_issue"]
      if (value_max_tokens_per_issue_180 !== undefined) {
        json += ",\"max_tokens_per_issue\":"
        
          if (value_max_tokens_per_issue_180 === null) {
            json += JSON_STR_NULL
          }
          
          else if(Number.isInteger(value_max_tokens_per_issue_180) || value_max_tokens_per_issue_180 === null) {
            json += asInteger(value_max_tokens_per_issue_180)
          }
        
    else throw new TypeError("The value of '#/properties/budget/properties/max_tokens_per_issue' does not match schema definition.")
  
      } else {
        throw new Error('"max_tokens_per_issue" is required!')
      }
      
      const value_max_tokens_per_session_181 = obj["max_tokens_per_session"]
      if (value_max_tokens_per_session_181 !== undefined) {
        json += ",\"max_tokens_per_session\":"
        
          if (value_max_tokens_per_session_181 === null) {
            json += JSON_STR_NULL
          }
          
          else if(Number.isInteger(value_max_tokens_per_session_181) || value_max_tokens_per_session_181 === null) {
            json += asInteger(value_max_tokens_per_session_181)
          }
        
    else throw new TypeError("The value of '#/properties/budget/properties/max_tokens_per_session' does not match schema definition.")
  
      } else {
        throw new Error('"max_tokens_per_session" is required!')
      }
      
      const value_currency_182 = obj["currency"]
      if (value_currency_182 !== undefined) {
        json += ",\"currency\":"
        
          if (value_currency_182 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_currency_182 === "string" ||
            value_currency_182 === null ||
            value_currency_182 instanceof Date ||
            value_currency_182 instanceof RegExp ||
            (
              typeof value_currency_182 === "object" &&
              typeof value_currency_182.toString === "function" &&
              value_currency_182.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_currency_182 !== 'string') {
          if (value_currency_182 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_currency_182 instanceof Date) {
            json += JSON_STR_QUOTE + value_currency_182.toISOString() + JSON_STR_QUOTE
          } else if (value_currency_182 instanceof RegExp) {
            json += asString(value_currency_182.source)
          } else {
            json += asString(value_currency_182.toString())
          }
        } else {
          json += asString(value_currency_182)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/budget/properties/currency' does not match schema definition.")
  
      } else {
        throw new Error('"currency" is required!')
      }
      
      const value_issues_183 = obj["issues"]
      if (value_issues_183 !== undefined) {
        json += ",\"issues\":"
        json += anonymous36(value_issues_183)
      } else {
        throw new Error('"issues" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/workflow/properties/last_reload/properties/error"
      function anonymous40 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_category_200 = obj["category"]
      if (value_category_200 !== undefined) {
        json += "{\"category\":"
        
        if (typeof value_category_200 !== 'string') {
          if (value_category_200 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_category_200 instanceof Date) {
            json += JSON_STR_QUOTE + value_category_200.toISOString() + JSON_STR_QUOTE
          } else if (value_category_200 instanceof RegExp) {
            json += asString(value_category_200.source)
          } else {
            json += asString(value_category_200.toString())
          }
        } else {
          json += asString(value_category_200)
        }
        
      } else {
        throw new Error('"category" is required!')
      }
      
      const value_message_201 = obj["message"]
      if (value_message_201 !== undefined) {
        json += ",\"message\":"
        
        if (typeof value_message_201 !== 'string') {
          if (value_message_201 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_message_201 instanceof Date) {
            json += JSON_STR_QUOTE + value_message_201.toISOString() + JSON_STR_QUOTE
          } else if (value_message_201 instanceof RegExp) {
            json += asString(value_message_201.source)
          } else {
            json += asString(value_message_201.toString())
          }
        } else {
          json += asString(value_message_201)
        }
        
      } else {
        throw new Error('"message" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/workflow/properties/last_reload"
      function anonymous39 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_outcome_196 = obj["outcome"]
      if (value_outcome_196 !== undefined) {
        json += "{\"outcome\":"
        
        if (typeof value_outcome_196 !== 'string') {
          if (value_outcome_196 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_outcome_196 instanceof Date) {
            json += JSON_STR_QUOTE + value_outcome_196.toISOString() + JSON_STR_QUOTE
          } else if (value_outcome_196 instanceof RegExp) {
            json += asString(value_outcome_196.source)
          } else {
            json += asString(value_outcome_196.toString())
          }
        } else {
          json += asString(value_outcome_196)
        }
        
      } else {
        throw new Error('"outcome" is required!')
      }
      
      const value_at_197 = obj["at"]
      if (value_at_197 !== undefined) {
        json += ",\"at\":"
        json += asDateTime(value_at_197)
      } else {
        throw new Error('"at" is required!')
      }
      
      const value_error_198 = obj["error"]
      if (value_error_198 !== undefined) {
        json += ",\"error\":"
        
          if (value_error_198 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_error_198 === "object" && !Array.isArray(value_error_198)) || value_error_198 === null) {
            json += anonymous40(value_error_198)
          }
        
    else throw new TypeError("The value of '#/properties/workflow/properties/last_reload/properties/error' does not match schema definition.")
  
      } else {
        throw new Error('"error" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/workflow/properties/error"
      function anonymous41 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_category_204 = obj["category"]
      if (value_category_204 !== undefined) {
        json += "{\"category\":"
        
        if (typeof value_category_204 !== 'string') {
          if (value_category_204 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_category_204 instanceof Date) {
            json += JSON_STR_QUOTE + value_category_204.toISOString() + JSON_STR_QUOTE
          } else if (value_category_204 instanceof RegExp) {
            json += asString(value_category_204.source)
          } else {
            json += asString(value_category_204.toString())
          }
        } else {
          json += asString(value_category_204)
        }
        
      } else {
        throw new Error('"category" is required!')
      }
      
      const value_message_205 = obj["message"]
      if (value_message_205 !== undefined) {
        json += ",\"message\":"
        
        if (typeof value_message_205 !== 'string') {
          if (value_message_205 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_message_205 instanceof Date) {
            json += JSON_STR_QUOTE + value_message_205.toISOString() + JSON_STR_QUOTE
          } else if (value_message_205 instanceof RegExp) {
            json += asString(value_message_205.source)
          } else {
            json += asString(value_message_205.toString())
          }
        } else {
          json += asString(value_message_205)
        }
        
      } else {
        throw new Error('"message" is required!')
      }
      
      const value_at_206 = obj["at"]
      if (value_at_206 !== undefined) {
        json += ",\"at\":"
        json += asDateTime(value_at_206)
      } else {
        throw new Error('"at" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/workflow"
      function anonymous38 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_path_193 = obj["path"]
      if (value_path_193 !== undefined) {
        json += "{\"path\":"
        
        if (typeof value_path_193 !== 'string') {
          if (value_path_193 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_path_193 instanceof Date) {
            json += JSON_STR_QUOTE + value_path_193.toISOString() + JSON_STR_QUOTE
          } else if (value_path_193 instanceof RegExp) {
            json += asString(value_path_193.source)
          } else {
            json += asString(value_path_193.toString())
          }
        } else {
          json += asString(value_path_193)
        }
        
      } else {
        throw new Error('"path" is required!')
      }
      
      const value_last_reload_194 = obj["last_reload"]
      if (value_last_reload_194 !== undefined) {
        json += ",\"last_reload\":"
        
          if (value_last_reload_194 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_last_reload_194 === "object" && !Array.isArray(value_last_reload_194)) || value_last_reload_194 === null) {
            json += anonymous39(value_last_reload_194)
          }
        
    else throw new TypeError("The value of '#/properties/workflow/properties/last_reload' does not match schema definition.")
  
      } else {
        throw new Error('"last_reload" is required!')
      }
      
      const value_error_202 = obj["error"]
      if (value_error_202 !== undefined) {
        json += ",\"error\":"
        
          if (value_error_202 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_error_202 === "object" && !Array.isArray(value_error_202)) || value_error_202 === null) {
            json += anonymous41(value_error_202)
          }
        
    else throw new TypeError("The value of '#/properties/workflow/properties/error' does not match schema definition.")
  
      } else {
        throw new Error('"error" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/logs/properties/problems/items"
      function anonymous44 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_sink_213 = obj["sink"]
      if (value_sink_213 !== undefined) {
        json += "{\"sink\":"
        
        if (typeof value_sink_213 !== 'string') {
          if (value_sink_213 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_sink_213 instanceof Date) {
            json += JSON_STR_QUOTE + value_sink_213.toISOString() + JSON_STR_QUOTE
          } else if (value_sink_213 instanceof RegExp) {
            json += asString(value_sink_213.source)
          } else {
            json += asString(value_sink_213.toString())
          }
        } else {
          json += asString(value_sink_213)
        }
        
      } else {
        throw new Error('"sink" is required!')
      }
      
      const value_path_214 = obj["path"]
      if (value_path_214 !== undefined) {
        json += ",\"path\":"
        
        if (typeof value_path_214 !== 'string') {
          if (value_path_214 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_path_214 instanceof Date) {
            json += JSON_STR_QUOTE + value_path_214.toISOString() + JSON_STR_QUOTE
          } else if (value_path_214 instanceof RegExp) {
            json += asString(value_path_214.source)
          } else {
            json += asString(value_path_214.toString())
          }
        } else {
          json += asString(value_path_214)
        }
        
      } else {
        throw new Error('"path" is required!')
      }
      
      const value_reason_215 = obj["reason"]
      if (value_reason_215 !== undefined) {
        json += ",\"reason\":"
        
        if (typeof value_reason_215 !== 'string') {
          if (value_reason_215 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_reason_215 instanceof Date) {
            json += JSON_STR_QUOTE + value_reason_215.toISOString() + JSON_STR_QUOTE
          } else if (value_reason_215 instanceof RegExp) {
            json += asString(value_reason_215.source)
          } else {
            json += asString(value_reason_215.toString())
          }
        } else {
          json += asString(value_reason_215)
        }
        
      } else {
        throw new Error('"reason" is required!')
      }
      
      const value_at_216 = obj["at"]
      if (value_at_216 !== undefined) {
        json += ",\"at\":"
        json += asDateTime(value_at_216)
      } else {
        throw new Error('"at" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous43 (obj) {
      // "#/properties/logs/properties/problems"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/logs/properties/problems' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous44(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous44(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/logs"
      function anonymous42 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_root_209 = obj["root"]
      if (value_root_209 !== undefined) {
        json += "{\"root\":"
        
        if (typeof value_root_209 !== 'string') {
          if (value_root_209 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_root_209 instanceof Date) {
            json += JSON_STR_QUOTE + value_root_209.toISOString() + JSON_STR_QUOTE
          } else if (value_root_209 instanceof RegExp) {
            json += asString(value_root_209.source)
          } else {
            json += asString(value_root_209.toString())
          }
        } else {
          json += asString(value_root_209)
        }
        
      } else {
        throw new Error('"root" is required!')
      }
      
      const value_status_210 = obj["status"]
      if (value_status_210 !== undefined) {
        json += ",\"status\":"
        
        if (typeof value_status_210 !== 'string') {
          if (value_status_210 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_status_210 instanceof Date) {
            json += JSON_STR_QUOTE + value_status_210.toISOString() + JSON_STR_QUOTE
          } else if (value_status_210 instanceof RegExp) {
            json += asString(value_status_210.source)
          } else {
            json += asString(value_status_210.toString())
          }
        } else {
          json += asString(value_status_210)
        }
        
      } else {
        throw new Error('"status" is required!')
      }
      
      const value_problems_211 = obj["problems"]
      if (value_problems_211 !== undefined) {
        json += ",\"problems\":"
        json += anonymous43(value_problems_211)
      } else {
        throw new Error('"problems" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#"
      function anonymous0 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_generated_at_1 = obj["generated_at"]
      if (value_generated_at_1 !== undefined) {
        json += "{\"generated_at\":"
        json += asDateTime(value_generated_at_1)
      } else {
        throw new Error('"generated_at" is required!')
      }
      
      const value_counts_2 = obj["counts"]
      if (value_counts_2 !== undefined) {
        json += ",\"counts\":"
        json += anonymous1(value_counts_2)
      } else {
        throw new Error('"counts" is required!')
      }
      
      const value_running_10 = obj["running"]
      if (value_running_10 !== undefined) {
        json += ",\"running\":"
        json += anonymous2(value_running_10)
      } else {
        throw new Error('"running" is required!')
      }
      
      const value_retrying_71 = obj["retrying"]
      if (value_retrying_71 !== undefined) {
        json += ",\"retrying\":"
        json += anonymous17(value_retrying_71)
      } else {
        throw new Error('"retrying" is required!')
      }
      
      const value_blocked_82 = obj["blocked"]
      if (value_blocked_82 !== undefined) {
        json += ",\"blocked\":"
        json += anonymous19(value_blocked_82)
      } else {
        throw new Error('"blocked" is required!')
      }
      
      const value_stopped_97 = obj["stopped"]
      if (value_stopped_97 !== undefined) {
        json += ",\"stopped\":"
        json += anonymous21(value_stopped_97)
      } else {
        throw new Error('"stopped" is required!')
      }
      
      const value_awaiting_approval_113 = obj["awaiting_approval"]
      if (value_awaiting_approval_113 !== undefined) {
        json += ",\"awaiting_approval\":"
        json += anonymous23(value_awaiting_approval_113)
      } else {
        throw new Error('"awaiting_approval" is required!')
      }
      
      const value_codex_totals_137 = obj["codex_totals"]
      if (value_codex_totals_137 !== undefined) {
        json += ",\"codex_totals\":"
        json += anonymous27(value_codex_totals_137)
      } else {
        throw new Error('"codex_totals" is required!')
      }
      
      const value_rate_limits_143 = obj["rate_limits"]
      if (value_rate_limits_143 !== undefined) {
        json += ",\"rate_limits\":"
        json += JSON.stringify(value_rate_limits_143)
      } else {
        throw new Error('"rate_limits" is required!')
      }
      
      const value_last_error_144 = obj["last_error"]
      if (value_last_error_144 !== undefined) {
        json += ",\"last_error\":"
        
          if (value_last_error_144 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_last_error_144 === "object" && !Array.isArray(value_last_error_144)) || value_last_error_144 === null) {
            json += anonymous28(value_last_error_144)
          }
        
    else throw new TypeError("The value of '#/properties/last_error' does not match schema definition.")
  
      } else {
        throw new Error('"last_error" is required!')
      }
      
      const value_polling_149 = obj["polling"]
      if (value_polling_149 !== undefined) {
        json += ",\"polling\":"
        json += anonymous29(value_polling_149)
      } else {
        throw new Error('"polling" is required!')
      }
      
      const value_state_store_153 = obj["state_store"]
      if (value_state_store_153 !== undefined) {
        json += ",\"state_store\":"
        json += anonymous30(value_state_store_153)
      } else {
        throw new Error('"state_store" is required!')
      }
      
      const value_connections_162 = obj["connections"]
      if (value_connections_162 !== undefined) {
        json += ",\"connections\":"
        json += anonymous32(value_connections_162)
      } else {
        throw new Error('"connections" is required!')
      }
      
      const value_budget_170 = obj["budget"]
      if (value_budget_170 !== undefined) {
        json += ",\"budget\":"
        json += anonymous34(value_budget_170)
      } else {
        throw new Error('"budget" is required!')
      }
      
      const value_workflow_191 = obj["workflow"]
      if (value_workflow_191 !== undefined) {
        json += ",\"workflow\":"
        json += anonymous38(value_workflow_191)
      } else {
        throw new Error('"workflow" is required!')
      }
      
      const value_logs_207 = obj["logs"]
      if (value_logs_207 !== undefined) {
        json += ",\"logs\":"
        
          if (value_logs_207 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_logs_207 === "object" && !Array.isArray(value_logs_207)) || value_logs_207 === null) {
            json += anonymous42(value_logs_207)
          }
        
    else throw new TypeError("The value of '#/properties/logs' does not match schema definition.")
  
      } else {
        throw new Error('"logs" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    
    const main = anonymous0
    return main
    
})(null, serializer),
  issueDetailSchema: () =>
    (function (validator, serializer) {

    
const {
  asString,
  asNumber,
  asBoolean,
  asDateTime,
  asDate,
  asTime,
  asUnsafeString,
  asPlainStringArray
} = serializer

const asInteger = serializer.asInteger.bind(serializer)


    const JSON_STR_BEGIN_OBJECT = '{'
    const JSON_STR_END_OBJECT = '}'
    const JSON_STR_BEGIN_ARRAY = '['
    const JSON_STR_END_ARRAY = ']'
    const JSON_STR_COMMA = ','
    const JSON_STR_COLONS = ':'
    const JSON_STR_QUOTE = '"'
    const JSON_STR_EMPTY_OBJECT = JSON_STR_BEGIN_OBJECT + JSON_STR_END_OBJECT
    const JSON_STR_EMPTY_ARRAY = JSON_STR_BEGIN_ARRAY + JSON_STR_END_ARRAY
    const JSON_STR_EMPTY_STRING = JSON_STR_QUOTE + JSON_STR_QUOTE
    const JSON_STR_NULL = 'null'
    
  
    
      // "#/properties/workspace"
      function anonymous1 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_path_6 = obj["path"]
      if (value_path_6 !== undefined) {
        json += "{\"path\":"
        
          if (value_path_6 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_path_6 === "string" ||
            value_path_6 === null ||
            value_path_6 instanceof Date ||
            value_path_6 instanceof RegExp ||
            (
              typeof value_path_6 === "object" &&
              typeof value_path_6.toString === "function" &&
              value_path_6.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_path_6 !== 'string') {
          if (value_path_6 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_path_6 instanceof Date) {
            json += JSON_STR_QUOTE + value_path_6.toISOString() + JSON_STR_QUOTE
          } else if (value_path_6 instanceof RegExp) {
            json += asString(value_path_6.source)
          } else {
            json += asString(value_path_6.toString())
          }
        } else {
          json += asString(value_path_6)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/workspace/properties/path' does not match schema definition.")
  
      } else {
        throw new Error('"path" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/pipeline/properties/phases/items"
      function anonymous4 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_name_11 = obj["name"]
      if (value_name_11 !== undefined) {
        json += "{\"name\":"
        
        if (typeof value_name_11 !== 'string') {
          if (value_name_11 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_name_11 instanceof Date) {
            json += JSON_STR_QUOTE + value_name_11.toISOString() + JSON_STR_QUOTE
          } else if (value_name_11 instanceof RegExp) {
            json += asString(value_name_11.source)
          } else {
            json += asString(value_name_11.toString())
          }
        } else {
          json += asString(value_name_11)
        }
        
      } else {
        throw new Error('"name" is required!')
      }
      
      const value_kind_12 = obj["kind"]
      if (value_kind_12 !== undefined) {
        json += ",\"kind\":"
        
        if (typeof value_kind_12 !== 'string') {
          if (value_kind_12 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_kind_12 instanceof Date) {
            json += JSON_STR_QUOTE + value_kind_12.toISOString() + JSON_STR_QUOTE
          } else if (value_kind_12 instanceof RegExp) {
            json += asString(value_kind_12.source)
          } else {
            json += asString(value_kind_12.toString())
          }
        } else {
          json += asString(value_kind_12)
        }
        
      } else {
        throw new Error('"kind" is required!')
      }
      
      const value_status_13 = obj["status"]
      if (value_status_13 !== undefined) {
        json += ",\"status\":"
        
        if (typeof value_status_13 !== 'string') {
          if (value_status_13 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_status_13 instanceof Date) {
            json += JSON_STR_QUOTE + value_status_13.toISOString() + JSON_STR_QUOTE
          } else if (value_status_13 instanceof RegExp) {
            json += asString(value_status_13.source)
          } else {
            json += asString(value_status_13.toString())
          }
        } else {
          json += asString(value_status_13)
        }
        
      } else {
        throw new Error('"status" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous3 (obj) {
      // "#/properties/pipeline/properties/phases"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/pipeline/properties/phases' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous4(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous4(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/pipeline/properties/cycles_by_phase"
      function anonymous5 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        let addComma_17 = false

    for (const key of Object.keys(obj)) {
      if (
        
        obj[key] === undefined ||
        typeof obj[key] === 'function' ||
        typeof obj[key] === 'symbol'
      ) continue
      const value = obj[key]
  
        json += addComma_17 ? JSON_STR_COMMA : ((addComma_17 = true), JSON_STR_BEGIN_OBJECT)
        json += asString(key) + JSON_STR_COLONS
        json += asInteger(value)
      
    }
  if (!addComma_17) json += JSON_STR_BEGIN_OBJECT

return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/pipeline/properties/waiting"
      function anonymous6 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_gate_id_20 = obj["gate_id"]
      if (value_gate_id_20 !== undefined) {
        json += "{\"gate_id\":"
        
        if (typeof value_gate_id_20 !== 'string') {
          if (value_gate_id_20 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_gate_id_20 instanceof Date) {
            json += JSON_STR_QUOTE + value_gate_id_20.toISOString() + JSON_STR_QUOTE
          } else if (value_gate_id_20 instanceof RegExp) {
            json += asString(value_gate_id_20.source)
          } else {
            json += asString(value_gate_id_20.toString())
          }
        } else {
          json += asString(value_gate_id_20)
        }
        
      } else {
        throw new Error('"gate_id" is required!')
      }
      
      const value_artifact_21 = obj["artifact"]
      if (value_artifact_21 !== undefined) {
        json += ",\"artifact\":"
        
          if (value_artifact_21 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_artifact_21 === "string" ||
            value_artifact_21 === null ||
            value_artifact_21 instanceof Date ||
            value_artifact_21 instanceof RegExp ||
            (
              typeof value_artifact_21 === "object" &&
              typeof value_artifact_21.toString === "function" &&
              value_artifact_21.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_artifact_21 !== 'string') {
          if (value_artifact_21 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_artifact_21 instanceof Date) {
            json += JSON_STR_QUOTE + value_artifact_21.toISOString() + JSON_STR_QUOTE
          } else if (value_artifact_21 instanceof RegExp) {
            json += asString(value_artifact_21.source)
          } else {
            json += asString(value_artifact_21.toString())
          }
        } else {
          json += asString(value_artifact_21)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/pipeline/properties/waiting/properties/artifact' does not match schema definition.")
  
      } else {
        throw new Error('"artifact" is required!')
      }
      
      const value_since_22 = obj["since"]
      if (value_since_22 !== undefined) {
        json += ",\"since\":"
        json += asDateTime(value_since_22)
      } else {
        throw new Error('"since" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/pipeline/properties/gates/items"
      function anonymous8 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_id_25 = obj["id"]
      if (value_id_25 !== undefined) {
        json += "{\"id\":"
        
        if (typeof value_id_25 !== 'string') {
          if (value_id_25 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_id_25 instanceof Date) {
            json += JSON_STR_QUOTE + value_id_25.toISOString() + JSON_STR_QUOTE
          } else if (value_id_25 instanceof RegExp) {
            json += asString(value_id_25.source)
          } else {
            json += asString(value_id_25.toString())
          }
        } else {
          json += asString(value_id_25)
        }
        
      } else {
        throw new Error('"id" is required!')
      }
      
      const value_approved_26 = obj["approved"]
      if (value_approved_26 !== undefined) {
        json += ",\"approved\":"
        json += asBoolean(value_approved_26)
      } else {
        throw new Error('"approved" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous7 (obj) {
      // "#/properties/pipeline/properties/gates"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/pipeline/properties/gates' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous8(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous8(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/pipeline"
      function anonymous2 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_phases_9 = obj["phases"]
      if (value_phases_9 !== undefined) {
        json += "{\"phases\":"
        json += anonymous3(value_phases_9)
      } else {
        throw new Error('"phases" is required!')
      }
      
      const value_current_14 = obj["current"]
      if (value_current_14 !== undefined) {
        json += ",\"current\":"
        
          if (value_current_14 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_current_14 === "string" ||
            value_current_14 === null ||
            value_current_14 instanceof Date ||
            value_current_14 instanceof RegExp ||
            (
              typeof value_current_14 === "object" &&
              typeof value_current_14.toString === "function" &&
              value_current_14.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_current_14 !== 'string') {
          if (value_current_14 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_current_14 instanceof Date) {
            json += JSON_STR_QUOTE + value_current_14.toISOString() + JSON_STR_QUOTE
          } else if (value_current_14 instanceof RegExp) {
            json += asString(value_current_14.source)
          } else {
            json += asString(value_current_14.toString())
          }
        } else {
          json += asString(value_current_14)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/pipeline/properties/current' does not match schema definition.")
  
      } else {
        throw new Error('"current" is required!')
      }
      
      const value_cycles_15 = obj["cycles"]
      if (value_cycles_15 !== undefined) {
        json += ",\"cycles\":"
        json += asInteger(value_cycles_15)
      } else {
        throw new Error('"cycles" is required!')
      }
      
      const value_cycles_by_phase_16 = obj["cycles_by_phase"]
      if (value_cycles_by_phase_16 !== undefined) {
        json += ",\"cycles_by_phase\":"
        json += anonymous5(value_cycles_by_phase_16)
      } else {
        throw new Error('"cycles_by_phase" is required!')
      }
      
      const value_waiting_18 = obj["waiting"]
      if (value_waiting_18 !== undefined) {
        json += ",\"waiting\":"
        
          if (value_waiting_18 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_waiting_18 === "object" && !Array.isArray(value_waiting_18)) || value_waiting_18 === null) {
            json += anonymous6(value_waiting_18)
          }
        
    else throw new TypeError("The value of '#/properties/pipeline/properties/waiting' does not match schema definition.")
  
      } else {
        throw new Error('"waiting" is required!')
      }
      
      const value_gates_23 = obj["gates"]
      if (value_gates_23 !== undefined) {
        json += ",\"gates\":"
        json += anonymous7(value_gates_23)
      } else {
        throw new Error('"gates" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous12 (obj) {
      // "#/properties/agent_request/properties/questions/items/properties/options"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/agent_request/properties/questions/items/properties/options' does not match schema definition.")
    }
    const arrayLength = obj.length
  
      if (typeof arrayLength === 'number' && arrayLength >= 128 && Number.isInteger(arrayLength) && arrayLength <= 0xffffffff) {
        return asPlainStringArray(obj, arrayLength)
      }
      
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        
        if (typeof value !== 'string') {
          if (value === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value instanceof Date) {
            json += JSON_STR_QUOTE + value.toISOString() + JSON_STR_QUOTE
          } else if (value instanceof RegExp) {
            json += asString(value.source)
          } else {
            json += asString(value.toString())
          }
        } else {
          json += asString(value)
        }
        
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          
        if (typeof value !== 'string') {
          if (value === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value instanceof Date) {
            json += JSON_STR_QUOTE + value.toISOString() + JSON_STR_QUOTE
          } else if (value instanceof RegExp) {
            json += asString(value.source)
          } else {
            json += asString(value.toString())
          }
        } else {
          json += asString(value)
        }
        
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/agent_request/properties/questions/items"
      function anonymous11 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_id_39 = obj["id"]
      if (value_id_39 !== undefined) {
        json += "{\"id\":"
        
        if (typeof value_id_39 !== 'string') {
          if (value_id_39 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_id_39 instanceof Date) {
            json += JSON_STR_QUOTE + value_id_39.toISOString() + JSON_STR_QUOTE
          } else if (value_id_39 instanceof RegExp) {
            json += asString(value_id_39.source)
          } else {
            json += asString(value_id_39.toString())
          }
        } else {
          json += asString(value_id_39)
        }
        
      } else {
        throw new Error('"id" is required!')
      }
      
      const value_header_40 = obj["header"]
      if (value_header_40 !== undefined) {
        json += ",\"header\":"
        
          if (value_header_40 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_header_40 === "string" ||
            value_header_40 === null ||
            value_header_40 instanceof Date ||
            value_header_40 instanceof RegExp ||
            (
              typeof value_header_40 === "object" &&
              typeof value_header_40.toString === "function" &&
              value_header_40.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_header_40 !== 'string') {
          if (value_header_40 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_header_40 instanceof Date) {
            json += JSON_STR_QUOTE + value_header_40.toISOString() + JSON_STR_QUOTE
          } else if (value_header_40 instanceof RegExp) {
            json += asString(value_header_40.source)
          } else {
            json += asString(value_header_40.toString())
          }
        } else {
          json += asString(value_header_40)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/agent_request/properties/questions/items/properties/header' does not match schema definition.")
  
      } else {
        throw new Error('"header" is required!')
      }
      
      const value_question_41 = obj["question"]
      if (value_question_41 !== undefined) {
        json += ",\"question\":"
        
        if (typeof value_question_41 !== 'string') {
          if (value_question_41 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_question_41 instanceof Date) {
            json += JSON_STR_QUOTE + value_question_41.toISOString() + JSON_STR_QUOTE
          } else if (value_question_41 instanceof RegExp) {
            json += asString(value_question_41.source)
          } else {
            json += asString(value_question_41.toString())
          }
        } else {
          json += asString(value_question_41)
        }
        
      } else {
        throw new Error('"question" is required!')
      }
      
      const value_options_42 = obj["options"]
      if (value_options_42 !== undefined) {
        json += ",\"options\":"
        json += anonymous12(value_options_42)
      } else {
        throw new Error('"options" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous10 (obj) {
      // "#/properties/agent_request/properties/questions"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/agent_request/properties/questions' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous11(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous11(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/agent_request"
      function anonymous9 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_id_29 = obj["id"]
      if (value_id_29 !== undefined) {
        json += "{\"id\":"
        
        if (typeof value_id_29 !== 'string') {
          if (value_id_29 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_id_29 instanceof Date) {
            json += JSON_STR_QUOTE + value_id_29.toISOString() + JSON_STR_QUOTE
          } else if (value_id_29 instanceof RegExp) {
            json += asString(value_id_29.source)
          } else {
            json += asString(value_id_29.toString())
          }
        } else {
          json += asString(value_id_29)
        }
        
      } else {
        throw new Error('"id" is required!')
      }
      
      const value_kind_30 = obj["kind"]
      if (value_kind_30 !== undefined) {
        json += ",\"kind\":"
        
        if (typeof value_kind_30 !== 'string') {
          if (value_kind_30 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_kind_30 instanceof Date) {
            json += JSON_STR_QUOTE + value_kind_30.toISOString() + JSON_STR_QUOTE
          } else if (value_kind_30 instanceof RegExp) {
            json += asString(value_kind_30.source)
          } else {
            json += asString(value_kind_30.toString())
          }
        } else {
          json += asString(value_kind_30)
        }
        
      } else {
        throw new Error('"kind" is required!')
      }
      
      const value_method_31 = obj["method"]
      if (value_method_31 !== undefined) {
        json += ",\"method\":"
        
        if (typeof value_method_31 !== 'string') {
          if (value_method_31 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_method_31 instanceof Date) {
            json += JSON_STR_QUOTE + value_method_31.toISOString() + JSON_STR_QUOTE
          } else if (value_method_31 instanceof RegExp) {
            json += asString(value_method_31.source)
          } else {
            json += asString(value_method_31.toString())
          }
        } else {
          json += asString(value_method_31)
        }
        
      } else {
        throw new Error('"method" is required!')
      }
      
      const value_summary_32 = obj["summary"]
      if (value_summary_32 !== undefined) {
        json += ",\"summary\":"
        
        if (typeof value_summary_32 !== 'string') {
          if (value_summary_32 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_summary_32 instanceof Date) {
            json += JSON_STR_QUOTE + value_summary_32.toISOString() + JSON_STR_QUOTE
          } else if (value_summary_32 instanceof RegExp) {
            json += asString(value_summary_32.source)
          } else {
            json += asString(value_summary_32.toString())
          }
        } else {
          json += asString(value_summary_32)
        }
        
      } else {
        throw new Error('"summary" is required!')
      }
      
      const value_command_33 = obj["command"]
      if (value_command_33 !== undefined) {
        json += ",\"command\":"
        
          if (value_command_33 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_command_33 === "string" ||
            value_command_33 === null ||
            value_command_33 instanceof Date ||
            value_command_33 instanceof RegExp ||
            (
              typeof value_command_33 === "object" &&
              typeof value_command_33.toString === "function" &&
              value_command_33.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_command_33 !== 'string') {
          if (value_command_33 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_command_33 instanceof Date) {
            json += JSON_STR_QUOTE + value_command_33.toISOString() + JSON_STR_QUOTE
          } else if (value_command_33 instanceof RegExp) {
            json += asString(value_command_33.source)
          } else {
            json += asString(value_command_33.toString())
          }
        } else {
          json += asString(value_command_33)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/agent_request/properties/command' does not match schema definition.")
  
      } else {
        throw new Error('"command" is required!')
      }
      
      const value_cwd_34 = obj["cwd"]
      if (value_cwd_34 !== undefined) {
        json += ",\"cwd\":"
        
          if (value_cwd_34 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_cwd_34 === "string" ||
            value_cwd_34 === null ||
            value_cwd_34 instanceof Date ||
            value_cwd_34 instanceof RegExp ||
            (
              typeof value_cwd_34 === "object" &&
              typeof value_cwd_34.toString === "function" &&
              value_cwd_34.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_cwd_34 !== 'string') {
          if (value_cwd_34 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_cwd_34 instanceof Date) {
            json += JSON_STR_QUOTE + value_cwd_34.toISOString() + JSON_STR_QUOTE
          } else if (value_cwd_34 instanceof RegExp) {
            json += asString(value_cwd_34.source)
          } else {
            json += asString(value_cwd_34.toString())
          }
        } else {
          json += asString(value_cwd_34)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/agent_request/properties/cwd' does not match schema definition.")
  
      } else {
        throw new Error('"cwd" is required!')
      }
      
      const value_reason_35 = obj["reason"]
      if (value_reason_35 !== undefined) {
        json += ",\"reason\":"
        
          if (value_reason_35 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_reason_35 === "string" ||
            value_reason_35 === null ||
            value_reason_35 instanceof Date ||
            value_reason_35 instanceof RegExp ||
            (
              typeof value_reason_35 === "object" &&
              typeof value_reason_35.toString === "function" &&
              value_reason_35.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_reason_35 !== 'string') {
          if (value_reason_35 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_reason_35 instanceof Date) {
            json += JSON_STR_QUOTE + value_reason_35.toISOString() + JSON_STR_QUOTE
          } else if (value_reason_35 instanceof RegExp) {
            json += asString(value_reason_35.source)
          } else {
            json += asString(value_reason_35.toString())
          }
        } else {
          json += asString(value_reason_35)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/agent_request/properties/reason' does not match schema definition.")
  
      } else {
        throw new Error('"reason" is required!')
      }
      
      const value_diff_36 = obj["diff"]
      if (value_diff_36 !== undefined) {
        json += ",\"diff\":"
        
          if (value_diff_36 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_diff_36 === "string" ||
            value_diff_36 === null ||
            value_diff_36 instanceof Date ||
            value_diff_36 instanceof RegExp ||
            (
              typeof value_diff_36 === "object" &&
              typeof value_diff_36.toString === "function" &&
              value_diff_36.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_diff_36 !== 'string') {
          if (value_diff_36 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_diff_36 instanceof Date) {
            json += JSON_STR_QUOTE + value_diff_36.toISOString() + JSON_STR_QUOTE
          } else if (value_diff_36 instanceof RegExp) {
            json += asString(value_diff_36.source)
          } else {
            json += asString(value_diff_36.toString())
          }
        } else {
          json += asString(value_diff_36)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/agent_request/properties/diff' does not match schema definition.")
  
      } else {
        throw new Error('"diff" is required!')
      }
      
      const value_questions_37 = obj["questions"]
      if (value_questions_37 !== undefined) {
        json += ",\"questions\":"
        json += anonymous10(value_questions_37)
      } else {
        throw new Error('"questions" is required!')
      }
      
      const value_asked_at_43 = obj["asked_at"]
      if (value_asked_at_43 !== undefined) {
        json += ",\"asked_at\":"
        json += asDateTime(value_asked_at_43)
      } else {
        throw new Error('"asked_at" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/attempts"
      function anonymous13 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_restart_count_46 = obj["restart_count"]
      if (value_restart_count_46 !== undefined) {
        json += "{\"restart_count\":"
        json += asInteger(value_restart_count_46)
      } else {
        throw new Error('"restart_count" is required!')
      }
      
      const value_current_retry_attempt_47 = obj["current_retry_attempt"]
      if (value_current_retry_attempt_47 !== undefined) {
        json += ",\"current_retry_attempt\":"
        
          if (value_current_retry_attempt_47 === null) {
            json += JSON_STR_NULL
          }
          
          else if(Number.isInteger(value_current_retry_attempt_47) || value_current_retry_attempt_47 === null) {
            json += asInteger(value_current_retry_attempt_47)
          }
        
    else throw new TypeError("The value of '#/properties/attempts/properties/current_retry_attempt' does not match schema definition.")
  
      } else {
        throw new Error('"current_retry_attempt" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/properties/tokens"
      function anonymous15 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_input_tokens_63 = obj["input_tokens"]
      if (value_input_tokens_63 !== undefined) {
        json += "{\"input_tokens\":"
        json += asInteger(value_input_tokens_63)
      } else {
        throw new Error('"input_tokens" is required!')
      }
      
      const value_output_tokens_64 = obj["output_tokens"]
      if (value_output_tokens_64 !== undefined) {
        json += ",\"output_tokens\":"
        json += asInteger(value_output_tokens_64)
      } else {
        throw new Error('"output_tokens" is required!')
      }
      
      const value_total_tokens_65 = obj["total_tokens"]
      if (value_total_tokens_65 !== undefined) {
        json += ",\"total_tokens\":"
        json += asInteger(value_total_tokens_65)
      } else {
        throw new Error('"total_tokens" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/properties/worker"
      function anonymous16 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_host_70 = obj["host"]
      if (value_host_70 !== undefined) {
        json += "{\"host\":"
        
        if (typeof value_host_70 !== 'string') {
          if (value_host_70 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_host_70 instanceof Date) {
            json += JSON_STR_QUOTE + value_host_70.toISOString() + JSON_STR_QUOTE
          } else if (value_host_70 instanceof RegExp) {
            json += asString(value_host_70.source)
          } else {
            json += asString(value_host_70.toString())
          }
        } else {
          json += asString(value_host_70)
        }
        
      } else {
        throw new Error('"host" is required!')
      }
      
      const value_pid_71 = obj["pid"]
      if (value_pid_71 !== undefined) {
        json += ",\"pid\":"
        json += asInteger(value_pid_71)
      } else {
        throw new Error('"pid" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/properties/pipeline/properties/waiting"
      function anonymous18 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_gate_id_80 = obj["gate_id"]
      if (value_gate_id_80 !== undefined) {
        json += "{\"gate_id\":"
        
        if (typeof value_gate_id_80 !== 'string') {
          if (value_gate_id_80 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_gate_id_80 instanceof Date) {
            json += JSON_STR_QUOTE + value_gate_id_80.toISOString() + JSON_STR_QUOTE
          } else if (value_gate_id_80 instanceof RegExp) {
            json += asString(value_gate_id_80.source)
          } else {
            json += asString(value_gate_id_80.toString())
          }
        } else {
          json += asString(value_gate_id_80)
        }
        
      } else {
        throw new Error('"gate_id" is required!')
      }
      
      const value_artifact_81 = obj["artifact"]
      if (value_artifact_81 !== undefined) {
        json += ",\"artifact\":"
        
          if (value_artifact_81 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_artifact_81 === "string" ||
            value_artifact_81 === null ||
            value_artifact_81 instanceof Date ||
            value_artifact_81 instanceof RegExp ||
            (
              typeof value_artifact_81 === "object" &&
              typeof value_artifact_81.toString === "function" &&
              value_artifact_81.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_artifact_81 !== 'string') {
          if (value_artifact_81 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_artifact_81 instanceof Date) {
            json += JSON_STR_QUOTE + value_artifact_81.toISOString() + JSON_STR_QUOTE
          } else if (value_artifact_81 instanceof RegExp) {
            json += asString(value_artifact_81.source)
          } else {
            json += asString(value_artifact_81.toString())
          }
        } else {
          json += asString(value_artifact_81)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/pipeline/properties/waiting/properties/artifact' does not match schema definition.")
  
      } else {
        throw new Error('"artifact" is required!')
      }
      
      const value_since_82 = obj["since"]
      if (value_since_82 !== undefined) {
        json += ",\"since\":"
        json += asDateTime(value_since_82)
      } else {
        throw new Error('"since" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/properties/pipeline"
      function anonymous17 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_phases_74 = obj["phases"]
      if (value_phases_74 !== undefined) {
        json += "{\"phases\":"
        json += anonymous3(value_phases_74)
      } else {
        throw new Error('"phases" is required!')
      }
      
      const value_current_75 = obj["current"]
      if (value_current_75 !== undefined) {
        json += ",\"current\":"
        
          if (value_current_75 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_current_75 === "string" ||
            value_current_75 === null ||
            value_current_75 instanceof Date ||
            value_current_75 instanceof RegExp ||
            (
              typeof value_current_75 === "object" &&
              typeof value_current_75.toString === "function" &&
              value_current_75.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_current_75 !== 'string') {
          if (value_current_75 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_current_75 instanceof Date) {
            json += JSON_STR_QUOTE + value_current_75.toISOString() + JSON_STR_QUOTE
          } else if (value_current_75 instanceof RegExp) {
            json += asString(value_current_75.source)
          } else {
            json += asString(value_current_75.toString())
          }
        } else {
          json += asString(value_current_75)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/pipeline/properties/current' does not match schema definition.")
  
      } else {
        throw new Error('"current" is required!')
      }
      
      const value_cycles_76 = obj["cycles"]
      if (value_cycles_76 !== undefined) {
        json += ",\"cycles\":"
        json += asInteger(value_cycles_76)
      } else {
        throw new Error('"cycles" is required!')
      }
      
      const value_cycles_by_phase_77 = obj["cycles_by_phase"]
      if (value_cycles_by_phase_77 !== undefined) {
        json += ",\"cycles_by_phase\":"
        json += anonymous5(value_cycles_by_phase_77)
      } else {
        throw new Error('"cycles_by_phase" is required!')
      }
      
      const value_waiting_78 = obj["waiting"]
      if (value_waiting_78 !== undefined) {
        json += ",\"waiting\":"
        
          if (value_waiting_78 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_waiting_78 === "object" && !Array.isArray(value_waiting_78)) || value_waiting_78 === null) {
            json += anonymous18(value_waiting_78)
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/pipeline/properties/waiting' does not match schema definition.")
  
      } else {
        throw new Error('"waiting" is required!')
      }
      
      const value_gates_83 = obj["gates"]
      if (value_gates_83 !== undefined) {
        json += ",\"gates\":"
        json += anonymous7(value_gates_83)
      } else {
        throw new Error('"gates" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running/properties/agent_request"
      function anonymous19 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_id_86 = obj["id"]
      if (value_id_86 !== undefined) {
        json += "{\"id\":"
        
        if (typeof value_id_86 !== 'string') {
          if (value_id_86 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_id_86 instanceof Date) {
            json += JSON_STR_QUOTE + value_id_86.toISOString() + JSON_STR_QUOTE
          } else if (value_id_86 instanceof RegExp) {
            json += asString(value_id_86.source)
          } else {
            json += asString(value_id_86.toString())
          }
        } else {
          json += asString(value_id_86)
        }
        
      } else {
        throw new Error('"id" is required!')
      }
      
      const value_kind_87 = obj["kind"]
      if (value_kind_87 !== undefined) {
        json += ",\"kind\":"
        
        if (typeof value_kind_87 !== 'string') {
          if (value_kind_87 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_kind_87 instanceof Date) {
            json += JSON_STR_QUOTE + value_kind_87.toISOString() + JSON_STR_QUOTE
          } else if (value_kind_87 instanceof RegExp) {
            json += asString(value_kind_87.source)
          } else {
            json += asString(value_kind_87.toString())
          }
        } else {
          json += asString(value_kind_87)
        }
        
      } else {
        throw new Error('"kind" is required!')
      }
      
      const value_method_88 = obj["method"]
      if (value_method_88 !== undefined) {
        json += ",\"method\":"
        
        if (typeof value_method_88 !== 'string') {
          if (value_method_88 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_method_88 instanceof Date) {
            json += JSON_STR_QUOTE + value_method_88.toISOString() + JSON_STR_QUOTE
          } else if (value_method_88 instanceof RegExp) {
            json += asString(value_method_88.source)
          } else {
            json += asString(value_method_88.toString())
          }
        } else {
          json += asString(value_method_88)
        }
        
      } else {
        throw new Error('"method" is required!')
      }
      
      const value_summary_89 = obj["summary"]
      if (value_summary_89 !== undefined) {
        json += ",\"summary\":"
        
        if (typeof value_summary_89 !== 'string') {
          if (value_summary_89 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_summary_89 instanceof Date) {
            json += JSON_STR_QUOTE + value_summary_89.toISOString() + JSON_STR_QUOTE
          } else if (value_summary_89 instanceof RegExp) {
            json += asString(value_summary_89.source)
          } else {
            json += asString(value_summary_89.toString())
          }
        } else {
          json += asString(value_summary_89)
        }
        
      } else {
        throw new Error('"summary" is required!')
      }
      
      const value_command_90 = obj["command"]
      if (value_command_90 !== undefined) {
        json += ",\"command\":"
        
          if (value_command_90 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_command_90 === "string" ||
            value_command_90 === null ||
            value_command_90 instanceof Date ||
            value_command_90 instanceof RegExp ||
            (
              typeof value_command_90 === "object" &&
              typeof value_command_90.toString === "function" &&
              value_command_90.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_command_90 !== 'string') {
          if (value_command_90 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_command_90 instanceof Date) {
            json += JSON_STR_QUOTE + value_command_90.toISOString() + JSON_STR_QUOTE
          } else if (value_command_90 instanceof RegExp) {
            json += asString(value_command_90.source)
          } else {
            json += asString(value_command_90.toString())
          }
        } else {
          json += asString(value_command_90)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/agent_request/properties/command' does not match schema definition.")
  
      } else {
        throw new Error('"command" is required!')
      }
      
      const value_cwd_91 = obj["cwd"]
      if (value_cwd_91 !== undefined) {
        json += ",\"cwd\":"
        
          if (value_cwd_91 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_cwd_91 === "string" ||
            value_cwd_91 === null ||
            value_cwd_91 instanceof Date ||
            value_cwd_91 instanceof RegExp ||
            (
              typeof value_cwd_91 === "object" &&
              typeof value_cwd_91.toString === "function" &&
              value_cwd_91.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_cwd_91 !== 'string') {
          if (value_cwd_91 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_cwd_91 instanceof Date) {
            json += JSON_STR_QUOTE + value_cwd_91.toISOString() + JSON_STR_QUOTE
          } else if (value_cwd_91 instanceof RegExp) {
            json += asString(value_cwd_91.source)
          } else {
            json += asString(value_cwd_91.toString())
          }
        } else {
          json += asString(value_cwd_91)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/agent_request/properties/cwd' does not match schema definition.")
  
      } else {
        throw new Error('"cwd" is required!')
      }
      
      const value_reason_92 = obj["reason"]
      if (value_reason_92 !== undefined) {
        json += ",\"reason\":"
        
          if (value_reason_92 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_reason_92 === "string" ||
            value_reason_92 === null ||
            value_reason_92 instanceof Date ||
            value_reason_92 instanceof RegExp ||
            (
              typeof value_reason_92 === "object" &&
              typeof value_reason_92.toString === "function" &&
              value_reason_92.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_reason_92 !== 'string') {
          if (value_reason_92 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_reason_92 instanceof Date) {
            json += JSON_STR_QUOTE + value_reason_92.toISOString() + JSON_STR_QUOTE
          } else if (value_reason_92 instanceof RegExp) {
            json += asString(value_reason_92.source)
          } else {
            json += asString(value_reason_92.toString())
          }
        } else {
          json += asString(value_reason_92)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/agent_request/properties/reason' does not match schema definition.")
  
      } else {
        throw new Error('"reason" is required!')
      }
      
      const value_diff_93 = obj["diff"]
      if (value_diff_93 !== undefined) {
        json += ",\"diff\":"
        
          if (value_diff_93 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_diff_93 === "string" ||
            value_diff_93 === null ||
            value_diff_93 instanceof Date ||
            value_diff_93 instanceof RegExp ||
            (
              typeof value_diff_93 === "object" &&
              typeof value_diff_93.toString === "function" &&
              value_diff_93.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_diff_93 !== 'string') {
          if (value_diff_93 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_diff_93 instanceof Date) {
            json += JSON_STR_QUOTE + value_diff_93.toISOString() + JSON_STR_QUOTE
          } else if (value_diff_93 instanceof RegExp) {
            json += asString(value_diff_93.source)
          } else {
            json += asString(value_diff_93.toString())
          }
        } else {
          json += asString(value_diff_93)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/agent_request/properties/diff' does not match schema definition.")
  
      } else {
        throw new Error('"diff" is required!')
      }
      
      const value_questions_94 = obj["questions"]
      if (value_questions_94 !== undefined) {
        json += ",\"questions\":"
        json += anonymous10(value_questions_94)
      } else {
        throw new Error('"questions" is required!')
      }
      
      const value_asked_at_95 = obj["asked_at"]
      if (value_asked_at_95 !== undefined) {
        json += ",\"asked_at\":"
        json += asDateTime(value_asked_at_95)
      } else {
        throw new Error('"asked_at" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/running"
      function anonymous14 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_50 = obj["issue_id"]
      if (value_issue_id_50 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_50 !== 'string') {
          if (value_issue_id_50 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_50 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_50.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_50 instanceof RegExp) {
            json += asString(value_issue_id_50.source)
          } else {
            json += asString(value_issue_id_50.toString())
          }
        } else {
          json += asString(value_issue_id_50)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_51 = obj["issue_identifier"]
      if (value_issue_identifier_51 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_51 !== 'string') {
          if (value_issue_identifier_51 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_51 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_51.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_51 instanceof RegExp) {
            json += asString(value_issue_identifier_51.source)
          } else {
            json += asString(value_issue_identifier_51.toString())
          }
        } else {
          json += asString(value_issue_identifier_51)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_title_52 = obj["title"]
      if (value_title_52 !== undefined) {
        json += ",\"title\":"
        
        if (typeof value_title_52 !== 'string') {
          if (value_title_52 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_title_52 instanceof Date) {
            json += JSON_STR_QUOTE + value_title_52.toISOString() + JSON_STR_QUOTE
          } else if (value_title_52 instanceof RegExp) {
            json += asString(value_title_52.source)
          } else {
            json += asString(value_title_52.toString())
          }
        } else {
          json += asString(value_title_52)
        }
        
      } else {
        throw new Error('"title" is required!')
      }
      
      const value_issue_url_53 = obj["issue_url"]
      if (value_issue_url_53 !== undefined) {
        json += ",\"issue_url\":"
        
          if (value_issue_url_53 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_issue_url_53 === "string" ||
            value_issue_url_53 === null ||
            value_issue_url_53 instanceof Date ||
            value_issue_url_53 instanceof RegExp ||
            (
              typeof value_issue_url_53 === "object" &&
              typeof value_issue_url_53.toString === "function" &&
              value_issue_url_53.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_issue_url_53 !== 'string') {
          if (value_issue_url_53 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_url_53 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_url_53.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_url_53 instanceof RegExp) {
            json += asString(value_issue_url_53.source)
          } else {
            json += asString(value_issue_url_53.toString())
          }
        } else {
          json += asString(value_issue_url_53)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/issue_url' does not match schema definition.")
  
      } else {
        throw new Error('"issue_url" is required!')
      }
      
      const value_state_54 = obj["state"]
      if (value_state_54 !== undefined) {
        json += ",\"state\":"
        
        if (typeof value_state_54 !== 'string') {
          if (value_state_54 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_state_54 instanceof Date) {
            json += JSON_STR_QUOTE + value_state_54.toISOString() + JSON_STR_QUOTE
          } else if (value_state_54 instanceof RegExp) {
            json += asString(value_state_54.source)
          } else {
            json += asString(value_state_54.toString())
          }
        } else {
          json += asString(value_state_54)
        }
        
      } else {
        throw new Error('"state" is required!')
      }
      
      const value_session_id_55 = obj["session_id"]
      if (value_session_id_55 !== undefined) {
        json += ",\"session_id\":"
        
          if (value_session_id_55 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_session_id_55 === "string" ||
            value_session_id_55 === null ||
            value_session_id_55 instanceof Date ||
            value_session_id_55 instanceof RegExp ||
            (
              typeof value_session_id_55 === "object" &&
              typeof value_session_id_55.toString === "function" &&
              value_session_id_55.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_session_id_55 !== 'string') {
          if (value_session_id_55 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_session_id_55 instanceof Date) {
            json += JSON_STR_QUOTE + value_session_id_55.toISOString() + JSON_STR_QUOTE
          } else if (value_session_id_55 instanceof RegExp) {
            json += asString(value_session_id_55.source)
          } else {
            json += asString(value_session_id_55.toString())
          }
        } else {
          json += asString(value_session_id_55)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/session_id' does not match schema definition.")
  
      } else {
        throw new Error('"session_id" is required!')
      }
      
      const value_last_event_56 = obj["last_event"]
      if (value_last_event_56 !== undefined) {
        json += ",\"last_event\":"
        
          if (value_last_event_56 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_56 === "string" ||
            value_last_event_56 === null ||
            value_last_event_56 instanceof Date ||
            value_last_event_56 instanceof RegExp ||
            (
              typeof value_last_event_56 === "object" &&
              typeof value_last_event_56.toString === "function" &&
              value_last_event_56.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_event_56 !== 'string') {
          if (value_last_event_56 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_event_56 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_event_56.toISOString() + JSON_STR_QUOTE
          } else if (value_last_event_56 instanceof RegExp) {
            json += asString(value_last_event_56.source)
          } else {
            json += asString(value_last_event_56.toString())
          }
        } else {
          json += asString(value_last_event_56)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/last_event' does not match schema definition.")
  
      } else {
        throw new Error('"last_event" is required!')
      }
      
      const value_last_message_57 = obj["last_message"]
      if (value_last_message_57 !== undefined) {
        json += ",\"last_message\":"
        
          if (value_last_message_57 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_message_57 === "string" ||
            value_last_message_57 === null ||
            value_last_message_57 instanceof Date ||
            value_last_message_57 instanceof RegExp ||
            (
              typeof value_last_message_57 === "object" &&
              typeof value_last_message_57.toString === "function" &&
              value_last_message_57.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_message_57 !== 'string') {
          if (value_last_message_57 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_message_57 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_message_57.toISOString() + JSON_STR_QUOTE
          } else if (value_last_message_57 instanceof RegExp) {
            json += asString(value_last_message_57.source)
          } else {
            json += asString(value_last_message_57.toString())
          }
        } else {
          json += asString(value_last_message_57)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/last_message' does not match schema definition.")
  
      } else {
        throw new Error('"last_message" is required!')
      }
      
      const value_last_event_at_58 = obj["last_event_at"]
      if (value_last_event_at_58 !== undefined) {
        json += ",\"last_event_at\":"
        
          if (value_last_event_at_58 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_at_58 === "string" ||
            value_last_event_at_58 === null ||
            value_last_event_at_58 instanceof Date ||
            value_last_event_at_58 instanceof RegExp ||
            (
              typeof value_last_event_at_58 === "object" &&
              typeof value_last_event_at_58.toString === "function" &&
              value_last_event_at_58.toString !== Object.prototype.toString
            )
          ) {
            json += asDateTime(value_last_event_at_58)
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/last_event_at' does not match schema definition.")
  
      } else {
        throw new Error('"last_event_at" is required!')
      }
      
      const value_turn_count_59 = obj["turn_count"]
      if (value_turn_count_59 !== undefined) {
        json += ",\"turn_count\":"
        json += asInteger(value_turn_count_59)
      } else {
        throw new Error('"turn_count" is required!')
      }
      
      const value_started_at_60 = obj["started_at"]
      if (value_started_at_60 !== undefined) {
        json += ",\"started_at\":"
        json += asDateTime(value_started_at_60)
      } else {
        throw new Error('"started_at" is required!')
      }
      
      const value_tokens_61 = obj["tokens"]
      if (value_tokens_61 !== undefined) {
        json += ",\"tokens\":"
        json += anonymous15(value_tokens_61)
      } else {
        throw new Error('"tokens" is required!')
      }
      
      const value_workspace_path_66 = obj["workspace_path"]
      if (value_workspace_path_66 !== undefined) {
        json += ",\"workspace_path\":"
        
          if (value_workspace_path_66 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_workspace_path_66 === "string" ||
            value_workspace_path_66 === null ||
            value_workspace_path_66 instanceof Date ||
            value_workspace_path_66 instanceof RegExp ||
            (
              typeof value_workspace_path_66 === "object" &&
              typeof value_workspace_path_66.toString === "function" &&
              value_workspace_path_66.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_workspace_path_66 !== 'string') {
          if (value_workspace_path_66 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_workspace_path_66 instanceof Date) {
            json += JSON_STR_QUOTE + value_workspace_path_66.toISOString() + JSON_STR_QUOTE
          } else if (value_workspace_path_66 instanceof RegExp) {
            json += asString(value_workspace_path_66.source)
          } else {
            json += asString(value_workspace_path_66.toString())
          }
        } else {
          json += asString(value_workspace_path_66)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/workspace_path' does not match schema definition.")
  
      } else {
        throw new Error('"workspace_path" is required!')
      }
      
      const value_attempt_67 = obj["attempt"]
      if (value_attempt_67 !== undefined) {
        json += ",\"attempt\":"
        
          if (value_attempt_67 === null) {
            json += JSON_STR_NULL
          }
          
          else if(Number.isInteger(value_attempt_67) || value_attempt_67 === null) {
            json += asInteger(value_attempt_67)
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/attempt' does not match schema definition.")
  
      } else {
        throw new Error('"attempt" is required!')
      }
      
      const value_worker_68 = obj["worker"]
      if (value_worker_68 !== undefined) {
        json += ",\"worker\":"
        
          if (value_worker_68 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_worker_68 === "object" && !Array.isArray(value_worker_68)) || value_worker_68 === null) {
            json += anonymous16(value_worker_68)
          }
        
    else throw new TypeError("The value of '#/properties/running/properties/worker' does not match schema definition.")
  
      } else {
        throw new Error('"worker" is required!')
      }
      
      const value_pipeline_72 = obj["pipeline"]
      if (value_pipeline_72 !== undefined) {
        json += ",\"pipeline\":"
        json += anonymous17(value_pipeline_72)
      }

      const value_agent_request_84 = obj["agent_request"]
      if (value_agent_request_84 !== undefined) {
        json += ",\"agent_request\":"
        json += anonymous19(value_agent_request_84)
      }

return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/retry"
      function anonymous20 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_98 = obj["issue_id"]
      if (value_issue_id_98 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_98 !== 'string') {
          if (value_issue_id_98 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_98 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_98.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_98 instanceof RegExp) {
            json += asString(value_issue_id_98.source)
          } else {
            json += asString(value_issue_id_98.toString())
          }
        } else {
          json += asString(value_issue_id_98)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_99 = obj["issue_identifier"]
      if (value_issue_identifier_99 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_99 !== 'string') {
          if (value_issue_identifier_99 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_99 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_99.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_99 instanceof RegExp) {
            json += asString(value_issue_identifier_99.source)
          } else {
            json += asString(value_issue_identifier_99.toString())
          }
        } else {
          json += asString(value_issue_identifier_99)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_title_100 = obj["title"]
      if (value_title_100 !== undefined) {
        json += ",\"title\":"
        
        if (typeof value_title_100 !== 'string') {
          if (value_title_100 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_title_100 instanceof Date) {
            json += JSON_STR_QUOTE + value_title_100.toISOString() + JSON_STR_QUOTE
          } else if (value_title_100 instanceof RegExp) {
            json += asString(value_title_100.source)
          } else {
            json += asString(value_title_100.toString())
          }
        } else {
          json += asString(value_title_100)
        }
        
      } else {
        throw new Error('"title" is required!')
      }
      
      const value_issue_url_101 = obj["issue_url"]
      if (value_issue_url_101 !== undefined) {
        json += ",\"issue_url\":"
        
          if (value_issue_url_101 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_issue_url_101 === "string" ||
            value_issue_url_101 === null ||
            value_issue_url_101 instanceof Date ||
            value_issue_url_101 instanceof RegExp ||
            (
              typeof value_issue_url_101 === "object" &&
              typeof value_issue_url_101.toString === "function" &&
              value_issue_url_101.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_issue_url_101 !== 'string') {
          if (value_issue_url_101 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_url_101 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_url_101.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_url_101 instanceof RegExp) {
            json += asString(value_issue_url_101.source)
          } else {
            json += asString(value_issue_url_101.toString())
          }
        } else {
          json += asString(value_issue_url_101)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/retry/properties/issue_url' does not match schema definition.")
  
      } else {
        throw new Error('"issue_url" is required!')
      }
      
      const value_attempt_102 = obj["attempt"]
      if (value_attempt_102 !== undefined) {
        json += ",\"attempt\":"
        json += asInteger(value_attempt_102)
      } else {
        throw new Error('"attempt" is required!')
      }
      
      const value_due_at_103 = obj["due_at"]
      if (value_due_at_103 !== undefined) {
        json += ",\"due_at\":"
        json += asDateTime(value_due_at_103)
      } else {
        throw new Error('"due_at" is required!')
      }
      
      const value_error_104 = obj["error"]
      if (value_error_104 !== undefined) {
        json += ",\"error\":"
        
          if (value_error_104 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_error_104 === "string" ||
            value_error_104 === null ||
            value_error_104 instanceof Date ||
            value_error_104 instanceof RegExp ||
            (
              typeof value_error_104 === "object" &&
              typeof value_error_104.toString === "function" &&
              value_error_104.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_error_104 !== 'string') {
          if (value_error_104 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_error_104 instanceof Date) {
            json += JSON_STR_QUOTE + value_error_104.toISOString() + JSON_STR_QUOTE
          } else if (value_error_104 instanceof RegExp) {
            json += asString(value_error_104.source)
          } else {
            json += asString(value_error_104.toString())
          }
        } else {
          json += asString(value_error_104)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/retry/properties/error' does not match schema definition.")
  
      } else {
        throw new Error('"error" is required!')
      }
      
      const value_workspace_path_105 = obj["workspace_path"]
      if (value_workspace_path_105 !== undefined) {
        json += ",\"workspace_path\":"
        
          if (value_workspace_path_105 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_workspace_path_105 === "string" ||
            value_workspace_path_105 === null ||
            value_workspace_path_105 instanceof Date ||
            value_workspace_path_105 instanceof RegExp ||
            (
              typeof value_workspace_path_105 === "object" &&
              typeof value_workspace_path_105.toString === "function" &&
              value_workspace_path_105.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_workspace_path_105 !== 'string') {
          if (value_workspace_path_105 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_workspace_path_105 instanceof Date) {
            json += JSON_STR_QUOTE + value_workspace_path_105.toISOString() + JSON_STR_QUOTE
          } else if (value_workspace_path_105 instanceof RegExp) {
            json += asString(value_workspace_path_105.source)
          } else {
            json += asString(value_workspace_path_105.toString())
          }
        } else {
          json += asString(value_workspace_path_105)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/retry/properties/workspace_path' does not match schema definition.")
  
      } else {
        throw new Error('"workspace_path" is required!')
      }
      
      const value_pipeline_106 = obj["pipeline"]
      if (value_pipeline_106 !== undefined) {
        json += ",\"pipeline\":"
        json += anonymous17(value_pipeline_106)
      }

return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/blocked"
      function anonymous21 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_109 = obj["issue_id"]
      if (value_issue_id_109 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_109 !== 'string') {
          if (value_issue_id_109 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_109 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_109.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_109 instanceof RegExp) {
            json += asString(value_issue_id_109.source)
          } else {
            json += asString(value_issue_id_109.toString())
          }
        } else {
          json += asString(value_issue_id_109)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_110 = obj["issue_identifier"]
      if (value_issue_identifier_110 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_110 !== 'string') {
          if (value_issue_identifier_110 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_110 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_110.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_110 instanceof RegExp) {
            json += asString(value_issue_identifier_110.source)
          } else {
            json += asString(value_issue_identifier_110.toString())
          }
        } else {
          json += asString(value_issue_identifier_110)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_title_111 = obj["title"]
      if (value_title_111 !== undefined) {
        json += ",\"title\":"
        
        if (typeof value_title_111 !== 'string') {
          if (value_title_111 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_title_111 instanceof Date) {
            json += JSON_STR_QUOTE + value_title_111.toISOString() + JSON_STR_QUOTE
          } else if (value_title_111 instanceof RegExp) {
            json += asString(value_title_111.source)
          } else {
            json += asString(value_title_111.toString())
          }
        } else {
          json += asString(value_title_111)
        }
        
      } else {
        throw new Error('"title" is required!')
      }
      
      const value_issue_url_112 = obj["issue_url"]
      if (value_issue_url_112 !== undefined) {
        json += ",\"issue_url\":"
        
          if (value_issue_url_112 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_issue_url_112 === "string" ||
            value_issue_url_112 === null ||
            value_issue_url_112 instanceof Date ||
            value_issue_url_112 instanceof RegExp ||
            (
              typeof value_issue_url_112 === "object" &&
              typeof value_issue_url_112.toString === "function" &&
              value_issue_url_112.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_issue_url_112 !== 'string') {
          if (value_issue_url_112 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_url_112 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_url_112.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_url_112 instanceof RegExp) {
            json += asString(value_issue_url_112.source)
          } else {
            json += asString(value_issue_url_112.toString())
          }
        } else {
          json += asString(value_issue_url_112)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/properties/issue_url' does not match schema definition.")
  
      } else {
        throw new Error('"issue_url" is required!')
      }
      
      const value_state_113 = obj["state"]
      if (value_state_113 !== undefined) {
        json += ",\"state\":"
        
        if (typeof value_state_113 !== 'string') {
          if (value_state_113 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_state_113 instanceof Date) {
            json += JSON_STR_QUOTE + value_state_113.toISOString() + JSON_STR_QUOTE
          } else if (value_state_113 instanceof RegExp) {
            json += asString(value_state_113.source)
          } else {
            json += asString(value_state_113.toString())
          }
        } else {
          json += asString(value_state_113)
        }
        
      } else {
        throw new Error('"state" is required!')
      }
      
      const value_error_114 = obj["error"]
      if (value_error_114 !== undefined) {
        json += ",\"error\":"
        
        if (typeof value_error_114 !== 'string') {
          if (value_error_114 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_error_114 instanceof Date) {
            json += JSON_STR_QUOTE + value_error_114.toISOString() + JSON_STR_QUOTE
          } else if (value_error_114 instanceof RegExp) {
            json += asString(value_error_114.source)
          } else {
            json += asString(value_error_114.toString())
          }
        } else {
          json += asString(value_error_114)
        }
        
      } else {
        throw new Error('"error" is required!')
      }
      
      const value_session_id_115 = obj["session_id"]
      if (value_session_id_115 !== undefined) {
        json += ",\"session_id\":"
        
          if (value_session_id_115 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_session_id_115 === "string" ||
            value_session_id_115 === null ||
            value_session_id_115 instanceof Date ||
            value_session_id_115 instanceof RegExp ||
            (
              typeof value_session_id_115 === "object" &&
              typeof value_session_id_115.toString === "function" &&
              value_session_id_115.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_session_id_115 !== 'string') {
          if (value_session_id_115 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_session_id_115 instanceof Date) {
            json += JSON_STR_QUOTE + value_session_id_115.toISOString() + JSON_STR_QUOTE
          } else if (value_session_id_115 instanceof RegExp) {
            json += asString(value_session_id_115.source)
          } else {
            json += asString(value_session_id_115.toString())
          }
        } else {
          json += asString(value_session_id_115)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/properties/session_id' does not match schema definition.")
  
      } else {
        throw new Error('"session_id" is required!')
      }
      
      const value_last_event_116 = obj["last_event"]
      if (value_last_event_116 !== undefined) {
        json += ",\"last_event\":"
        
          if (value_last_event_116 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_116 === "string" ||
            value_last_event_116 === null ||
            value_last_event_116 instanceof Date ||
            value_last_event_116 instanceof RegExp ||
            (
              typeof value_last_event_116 === "object" &&
              typeof value_last_event_116.toString === "function" &&
              value_last_event_116.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_event_116 !== 'string') {
          if (value_last_event_116 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_event_116 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_event_116.toISOString() + JSON_STR_QUOTE
          } else if (value_last_event_116 instanceof RegExp) {
            json += asString(value_last_event_116.source)
          } else {
            json += asString(value_last_event_116.toString())
          }
        } else {
          json += asString(value_last_event_116)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/properties/last_event' does not match schema definition.")
  
      } else {
        throw new Error('"last_event" is required!')
      }
      
      const value_last_message_117 = obj["last_message"]
      if (value_last_message_117 !== undefined) {
        json += ",\"last_message\":"
        
          if (value_last_message_117 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_message_117 === "string" ||
            value_last_message_117 === null ||
            value_last_message_117 instanceof Date ||
            value_last_message_117 instanceof RegExp ||
            (
              typeof value_last_message_117 === "object" &&
              typeof value_last_message_117.toString === "function" &&
              value_last_message_117.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_message_117 !== 'string') {
          if (value_last_message_117 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_message_117 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_message_117.toISOString() + JSON_STR_QUOTE
          } else if (value_last_message_117 instanceof RegExp) {
            json += asString(value_last_message_117.source)
          } else {
            json += asString(value_last_message_117.toString())
          }
        } else {
          json += asString(value_last_message_117)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/properties/last_message' does not match schema definition.")
  
      } else {
        throw new Error('"last_message" is required!')
      }
      
      const value_last_event_at_118 = obj["last_event_at"]
      if (value_last_event_at_118 !== undefined) {
        json += ",\"last_event_at\":"
        
          if (value_last_event_at_118 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_at_118 === "string" ||
            value_last_event_at_118 === null ||
            value_last_event_at_118 instanceof Date ||
            value_last_event_at_118 instanceof RegExp ||
            (
              typeof value_last_event_at_118 === "object" &&
              typeof value_last_event_at_118.toString === "function" &&
              value_last_event_at_118.toString !== Object.prototype.toString
            )
          ) {
            json += asDateTime(value_last_event_at_118)
          }
        
    else throw new TypeError("The value of '#/properties/blocked/properties/last_event_at' does not match schema definition.")
  
      } else {
        throw new Error('"last_event_at" is required!')
      }
      
      const value_blocked_at_119 = obj["blocked_at"]
      if (value_blocked_at_119 !== undefined) {
        json += ",\"blocked_at\":"
        json += asDateTime(value_blocked_at_119)
      } else {
        throw new Error('"blocked_at" is required!')
      }
      
      const value_workspace_path_120 = obj["workspace_path"]
      if (value_workspace_path_120 !== undefined) {
        json += ",\"workspace_path\":"
        
          if (value_workspace_path_120 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_workspace_path_120 === "string" ||
            value_workspace_path_120 === null ||
            value_workspace_path_120 instanceof Date ||
            value_workspace_path_120 instanceof RegExp ||
            (
              typeof value_workspace_path_120 === "object" &&
              typeof value_workspace_path_120.toString === "function" &&
              value_workspace_path_120.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_workspace_path_120 !== 'string') {
          if (value_workspace_path_120 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_workspace_path_120 instanceof Date) {
            json += JSON_STR_QUOTE + value_workspace_path_120.toISOString() + JSON_STR_QUOTE
          } else if (value_workspace_path_120 instanceof RegExp) {
            json += asString(value_workspace_path_120.source)
          } else {
            json += asString(value_workspace_path_120.toString())
          }
        } else {
          json += asString(value_workspace_path_120)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/blocked/properties/workspace_path' does not match schema definition.")
  
      } else {
        throw new Error('"workspace_path" is required!')
      }
      
      const value_pipeline_121 = obj["pipeline"]
      if (value_pipeline_121 !== undefined) {
        json += ",\"pipeline\":"
        json += anonymous17(value_pipeline_121)
      }

return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/stopped"
      function anonymous22 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_124 = obj["issue_id"]
      if (value_issue_id_124 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_124 !== 'string') {
          if (value_issue_id_124 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_124 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_124.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_124 instanceof RegExp) {
            json += asString(value_issue_id_124.source)
          } else {
            json += asString(value_issue_id_124.toString())
          }
        } else {
          json += asString(value_issue_id_124)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_125 = obj["issue_identifier"]
      if (value_issue_identifier_125 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_125 !== 'string') {
          if (value_issue_identifier_125 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_125 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_125.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_125 instanceof RegExp) {
            json += asString(value_issue_identifier_125.source)
          } else {
            json += asString(value_issue_identifier_125.toString())
          }
        } else {
          json += asString(value_issue_identifier_125)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_title_126 = obj["title"]
      if (value_title_126 !== undefined) {
        json += ",\"title\":"
        
        if (typeof value_title_126 !== 'string') {
          if (value_title_126 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_title_126 instanceof Date) {
            json += JSON_STR_QUOTE + value_title_126.toISOString() + JSON_STR_QUOTE
          } else if (value_title_126 instanceof RegExp) {
            json += asString(value_title_126.source)
          } else {
            json += asString(value_title_126.toString())
          }
        } else {
          json += asString(value_title_126)
        }
        
      } else {
        throw new Error('"title" is required!')
      }
      
      const value_issue_url_127 = obj["issue_url"]
      if (value_issue_url_127 !== undefined) {
        json += ",\"issue_url\":"
        
          if (value_issue_url_127 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_issue_url_127 === "string" ||
            value_issue_url_127 === null ||
            value_issue_url_127 instanceof Date ||
            value_issue_url_127 instanceof RegExp ||
            (
              typeof value_issue_url_127 === "object" &&
              typeof value_issue_url_127.toString === "function" &&
              value_issue_url_127.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_issue_url_127 !== 'string') {
          if (value_issue_url_127 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_url_127 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_url_127.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_url_127 instanceof RegExp) {
            json += asString(value_issue_url_127.source)
          } else {
            json += asString(value_issue_url_127.toString())
          }
        } else {
          json += asString(value_issue_url_127)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/properties/issue_url' does not match schema definition.")
  
      } else {
        throw new Error('"issue_url" is required!')
      }
      
      const value_state_128 = obj["state"]
      if (value_state_128 !== undefined) {
        json += ",\"state\":"
        
          if (value_state_128 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_state_128 === "string" ||
            value_state_128 === null ||
            value_state_128 instanceof Date ||
            value_state_128 instanceof RegExp ||
            (
              typeof value_state_128 === "object" &&
              typeof value_state_128.toString === "function" &&
              value_state_128.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_state_128 !== 'string') {
          if (value_state_128 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_state_128 instanceof Date) {
            json += JSON_STR_QUOTE + value_state_128.toISOString() + JSON_STR_QUOTE
          } else if (value_state_128 instanceof RegExp) {
            json += asString(value_state_128.source)
          } else {
            json += asString(value_state_128.toString())
          }
        } else {
          json += asString(value_state_128)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/properties/state' does not match schema definition.")
  
      } else {
        throw new Error('"state" is required!')
      }
      
      const value_reason_129 = obj["reason"]
      if (value_reason_129 !== undefined) {
        json += ",\"reason\":"
        
        if (typeof value_reason_129 !== 'string') {
          if (value_reason_129 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_reason_129 instanceof Date) {
            json += JSON_STR_QUOTE + value_reason_129.toISOString() + JSON_STR_QUOTE
          } else if (value_reason_129 instanceof RegExp) {
            json += asString(value_reason_129.source)
          } else {
            json += asString(value_reason_129.toString())
          }
        } else {
          json += asString(value_reason_129)
        }
        
      } else {
        throw new Error('"reason" is required!')
      }
      
      const value_stopped_at_130 = obj["stopped_at"]
      if (value_stopped_at_130 !== undefined) {
        json += ",\"stopped_at\":"
        json += asDateTime(value_stopped_at_130)
      } else {
        throw new Error('"stopped_at" is required!')
      }
      
      const value_attempt_131 = obj["attempt"]
      if (value_attempt_131 !== undefined) {
        json += ",\"attempt\":"
        
          if (value_attempt_131 === null) {
            json += JSON_STR_NULL
          }
          
          else if(Number.isInteger(value_attempt_131) || value_attempt_131 === null) {
            json += asInteger(value_attempt_131)
          }
        
    else throw new TypeError("The value of '#/properties/stopped/properties/attempt' does not match schema definition.")
  
      } else {
        throw new Error('"attempt" is required!')
      }
      
      const value_workspace_path_132 = obj["workspace_path"]
      if (value_workspace_path_132 !== undefined) {
        json += ",\"workspace_path\":"
        
          if (value_workspace_path_132 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_workspace_path_132 === "string" ||
            value_workspace_path_132 === null ||
            value_workspace_path_132 instanceof Date ||
            value_workspace_path_132 instanceof RegExp ||
            (
              typeof value_workspace_path_132 === "object" &&
              typeof value_workspace_path_132.toString === "function" &&
              value_workspace_path_132.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_workspace_path_132 !== 'string') {
          if (value_workspace_path_132 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_workspace_path_132 instanceof Date) {
            json += JSON_STR_QUOTE + value_workspace_path_132.toISOString() + JSON_STR_QUOTE
          } else if (value_workspace_path_132 instanceof RegExp) {
            json += asString(value_workspace_path_132.source)
          } else {
            json += asString(value_workspace_path_132.toString())
          }
        } else {
          json += asString(value_workspace_path_132)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/properties/workspace_path' does not match schema definition.")
  
      } else {
        throw new Error('"workspace_path" is required!')
      }
      
      const value_session_id_133 = obj["session_id"]
      if (value_session_id_133 !== undefined) {
        json += ",\"session_id\":"
        
          if (value_session_id_133 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_session_id_133 === "string" ||
            value_session_id_133 === null ||
            value_session_id_133 instanceof Date ||
            value_session_id_133 instanceof RegExp ||
            (
              typeof value_session_id_133 === "object" &&
              typeof value_session_id_133.toString === "function" &&
              value_session_id_133.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_session_id_133 !== 'string') {
          if (value_session_id_133 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_session_id_133 instanceof Date) {
            json += JSON_STR_QUOTE + value_session_id_133.toISOString() + JSON_STR_QUOTE
          } else if (value_session_id_133 instanceof RegExp) {
            json += asString(value_session_id_133.source)
          } else {
            json += asString(value_session_id_133.toString())
          }
        } else {
          json += asString(value_session_id_133)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/properties/session_id' does not match schema definition.")
  
      } else {
        throw new Error('"session_id" is required!')
      }
      
      const value_last_event_134 = obj["last_event"]
      if (value_last_event_134 !== undefined) {
        json += ",\"last_event\":"
        
          if (value_last_event_134 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_134 === "string" ||
            value_last_event_134 === null ||
            value_last_event_134 instanceof Date ||
            value_last_event_134 instanceof RegExp ||
            (
              typeof value_last_event_134 === "object" &&
              typeof value_last_event_134.toString === "function" &&
              value_last_event_134.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_event_134 !== 'string') {
          if (value_last_event_134 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_event_134 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_event_134.toISOString() + JSON_STR_QUOTE
          } else if (value_last_event_134 instanceof RegExp) {
            json += asString(value_last_event_134.source)
          } else {
            json += asString(value_last_event_134.toString())
          }
        } else {
          json += asString(value_last_event_134)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/properties/last_event' does not match schema definition.")
  
      } else {
        throw new Error('"last_event" is required!')
      }
      
      const value_last_message_135 = obj["last_message"]
      if (value_last_message_135 !== undefined) {
        json += ",\"last_message\":"
        
          if (value_last_message_135 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_message_135 === "string" ||
            value_last_message_135 === null ||
            value_last_message_135 instanceof Date ||
            value_last_message_135 instanceof RegExp ||
            (
              typeof value_last_message_135 === "object" &&
              typeof value_last_message_135.toString === "function" &&
              value_last_message_135.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_message_135 !== 'string') {
          if (value_last_message_135 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_message_135 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_message_135.toISOString() + JSON_STR_QUOTE
          } else if (value_last_message_135 instanceof RegExp) {
            json += asString(value_last_message_135.source)
          } else {
            json += asString(value_last_message_135.toString())
          }
        } else {
          json += asString(value_last_message_135)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/stopped/properties/last_message' does not match schema definition.")
  
      } else {
        throw new Error('"last_message" is required!')
      }
      
      const value_last_event_at_136 = obj["last_event_at"]
      if (value_last_event_at_136 !== undefined) {
        json += ",\"last_event_at\":"
        
          if (value_last_event_at_136 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_event_at_136 === "string" ||
            value_last_event_at_136 === null ||
            value_last_event_at_136 instanceof Date ||
            value_last_event_at_136 instanceof RegExp ||
            (
              typeof value_last_event_at_136 === "object" &&
              typeof value_last_event_at_136.toString === "function" &&
              value_last_event_at_136.toString !== Object.prototype.toString
            )
          ) {
            json += asDateTime(value_last_event_at_136)
          }
        
    else throw new TypeError("The value of '#/properties/stopped/properties/last_event_at' does not match schema definition.")
  
      } else {
        throw new Error('"last_event_at" is required!')
      }
      
      const value_pipeline_137 = obj["pipeline"]
      if (value_pipeline_137 !== undefined) {
        json += ",\"pipeline\":"
        json += anonymous17(value_pipeline_137)
      }

return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/logs/properties/codex_session_logs/items"
      function anonymous25 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_label_142 = obj["label"]
      if (value_label_142 !== undefined) {
        json += "{\"label\":"
        
        if (typeof value_label_142 !== 'string') {
          if (value_label_142 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_label_142 instanceof Date) {
            json += JSON_STR_QUOTE + value_label_142.toISOString() + JSON_STR_QUOTE
          } else if (value_label_142 instanceof RegExp) {
            json += asString(value_label_142.source)
          } else {
            json += asString(value_label_142.toString())
          }
        } else {
          json += asString(value_label_142)
        }
        
      } else {
        throw new Error('"label" is required!')
      }
      
      const value_path_143 = obj["path"]
      if (value_path_143 !== undefined) {
        json += ",\"path\":"
        
        if (typeof value_path_143 !== 'string') {
          if (value_path_143 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_path_143 instanceof Date) {
            json += JSON_STR_QUOTE + value_path_143.toISOString() + JSON_STR_QUOTE
          } else if (value_path_143 instanceof RegExp) {
            json += asString(value_path_143.source)
          } else {
            json += asString(value_path_143.toString())
          }
        } else {
          json += asString(value_path_143)
        }
        
      } else {
        throw new Error('"path" is required!')
      }
      
      const value_url_144 = obj["url"]
      if (value_url_144 !== undefined) {
        json += ",\"url\":"
        
          if (value_url_144 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_url_144 === "string" ||
            value_url_144 === null ||
            value_url_144 instanceof Date ||
            value_url_144 instanceof RegExp ||
            (
              typeof value_url_144 === "object" &&
              typeof value_url_144.toString === "function" &&
              value_url_144.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_url_144 !== 'string') {
          if (value_url_144 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_url_144 instanceof Date) {
            json += JSON_STR_QUOTE + value_url_144.toISOString() + JSON_STR_QUOTE
          } else if (value_url_144 instanceof RegExp) {
            json += asString(value_url_144.source)
          } else {
            json += asString(value_url_144.toString())
          }
        } else {
          json += asString(value_url_144)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/logs/properties/codex_session_logs/items/properties/url' does not match schema definition.")
  
      } else {
        throw new Error('"url" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous24 (obj) {
      // "#/properties/logs/properties/codex_session_logs"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/logs/properties/codex_session_logs' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous25(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous25(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#/properties/logs"
      function anonymous23 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_codex_session_logs_140 = obj["codex_session_logs"]
      if (value_codex_session_logs_140 !== undefined) {
        json += "{\"codex_session_logs\":"
        json += anonymous24(value_codex_session_logs_140)
      } else {
        throw new Error('"codex_session_logs" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#/properties/recent_events/items"
      function anonymous27 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_at_147 = obj["at"]
      if (value_at_147 !== undefined) {
        json += "{\"at\":"
        json += asDateTime(value_at_147)
      } else {
        throw new Error('"at" is required!')
      }
      
      const value_event_148 = obj["event"]
      if (value_event_148 !== undefined) {
        json += ",\"event\":"
        
        if (typeof value_event_148 !== 'string') {
          if (value_event_148 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_event_148 instanceof Date) {
            json += JSON_STR_QUOTE + value_event_148.toISOString() + JSON_STR_QUOTE
          } else if (value_event_148 instanceof RegExp) {
            json += asString(value_event_148.source)
          } else {
            json += asString(value_event_148.toString())
          }
        } else {
          json += asString(value_event_148)
        }
        
      } else {
        throw new Error('"event" is required!')
      }
      
      const value_message_149 = obj["message"]
      if (value_message_149 !== undefined) {
        json += ",\"message\":"
        
        if (typeof value_message_149 !== 'string') {
          if (value_message_149 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_message_149 instanceof Date) {
            json += JSON_STR_QUOTE + value_message_149.toISOString() + JSON_STR_QUOTE
          } else if (value_message_149 instanceof RegExp) {
            json += asString(value_message_149.source)
          } else {
            json += asString(value_message_149.toString())
          }
        } else {
          json += asString(value_message_149)
        }
        
      } else {
        throw new Error('"message" is required!')
      }
      
      const value_count_150 = obj["count"]
      if (value_count_150 !== undefined) {
        json += ",\"count\":"
        json += asInteger(value_count_150)
      } else {
        throw new Error('"count" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

    function anonymous26 (obj) {
      // "#/properties/recent_events"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/recent_events' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous27(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous27(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#"
      function anonymous0 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_identifier_1 = obj["issue_identifier"]
      if (value_issue_identifier_1 !== undefined) {
        json += "{\"issue_identifier\":"
        
        if (typeof value_issue_identifier_1 !== 'string') {
          if (value_issue_identifier_1 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_1 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_1.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_1 instanceof RegExp) {
            json += asString(value_issue_identifier_1.source)
          } else {
            json += asString(value_issue_identifier_1.toString())
          }
        } else {
          json += asString(value_issue_identifier_1)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_issue_id_2 = obj["issue_id"]
      if (value_issue_id_2 !== undefined) {
        json += ",\"issue_id\":"
        
        if (typeof value_issue_id_2 !== 'string') {
          if (value_issue_id_2 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_2 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_2.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_2 instanceof RegExp) {
            json += asString(value_issue_id_2.source)
          } else {
            json += asString(value_issue_id_2.toString())
          }
        } else {
          json += asString(value_issue_id_2)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_status_3 = obj["status"]
      if (value_status_3 !== undefined) {
        json += ",\"status\":"
        
        if (typeof value_status_3 !== 'string') {
          if (value_status_3 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_status_3 instanceof Date) {
            json += JSON_STR_QUOTE + value_status_3.toISOString() + JSON_STR_QUOTE
          } else if (value_status_3 instanceof RegExp) {
            json += asString(value_status_3.source)
          } else {
            json += asString(value_status_3.toString())
          }
        } else {
          json += asString(value_status_3)
        }
        
      } else {
        throw new Error('"status" is required!')
      }
      
      const value_workspace_4 = obj["workspace"]
      if (value_workspace_4 !== undefined) {
        json += ",\"workspace\":"
        json += anonymous1(value_workspace_4)
      } else {
        throw new Error('"workspace" is required!')
      }
      
      const value_pipeline_7 = obj["pipeline"]
      if (value_pipeline_7 !== undefined) {
        json += ",\"pipeline\":"
        
          if (value_pipeline_7 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_pipeline_7 === "object" && !Array.isArray(value_pipeline_7)) || value_pipeline_7 === null) {
            json += anonymous2(value_pipeline_7)
          }
        
    else throw new TypeError("The value of '#/properties/pipeline' does not match schema definition.")
  
      } else {
        throw new Error('"pipeline" is required!')
      }
      
      const value_agent_request_27 = obj["agent_request"]
      if (value_agent_request_27 !== undefined) {
        json += ",\"agent_request\":"
        
          if (value_agent_request_27 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_agent_request_27 === "object" && !Array.isArray(value_agent_request_27)) || value_agent_request_27 === null) {
            json += anonymous9(value_agent_request_27)
          }
        
    else throw new TypeError("The value of '#/properties/agent_request' does not match schema definition.")
  
      } else {
        throw new Error('"agent_request" is required!')
      }
      
      const value_attempts_44 = obj["attempts"]
      if (value_attempts_44 !== undefined) {
        json += ",\"attempts\":"
        json += anonymous13(value_attempts_44)
      } else {
        throw new Error('"attempts" is required!')
      }
      
      const value_running_48 = obj["running"]
      if (value_running_48 !== undefined) {
        json += ",\"running\":"
        
          if (value_running_48 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_running_48 === "object" && !Array.isArray(value_running_48)) || value_running_48 === null) {
            json += anonymous14(value_running_48)
          }
        
    else throw new TypeError("The value of '#/properties/running' does not match schema definition.")
  
      } else {
        throw new Error('"running" is required!')
      }
      
      const value_retry_96 = obj["retry"]
      if (value_retry_96 !== undefined) {
        json += ",\"retry\":"
        
          if (value_retry_96 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_retry_96 === "object" && !Array.isArray(value_retry_96)) || value_retry_96 === null) {
            json += anonymous20(value_retry_96)
          }
        
    else throw new TypeError("The value of '#/properties/retry' does not match schema definition.")
  
      } else {
        throw new Error('"retry" is required!')
      }
      
      const value_blocked_107 = obj["blocked"]
      if (value_blocked_107 !== undefined) {
        json += ",\"blocked\":"
        
          if (value_blocked_107 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_blocked_107 === "object" && !Array.isArray(value_blocked_107)) || value_blocked_107 === null) {
            json += anonymous21(value_blocked_107)
          }
        
    else throw new TypeError("The value of '#/properties/blocked' does not match schema definition.")
  
      } else {
        throw new Error('"blocked" is required!')
      }
      
      const value_stopped_122 = obj["stopped"]
      if (value_stopped_122 !== undefined) {
        json += ",\"stopped\":"
        
          if (value_stopped_122 === null) {
            json += JSON_STR_NULL
          }
          
          else if((typeof value_stopped_122 === "object" && !Array.isArray(value_stopped_122)) || value_stopped_122 === null) {
            json += anonymous22(value_stopped_122)
          }
        
    else throw new TypeError("The value of '#/properties/stopped' does not match schema definition.")
  
      } else {
        throw new Error('"stopped" is required!')
      }
      
      const value_logs_138 = obj["logs"]
      if (value_logs_138 !== undefined) {
        json += ",\"logs\":"
        json += anonymous23(value_logs_138)
      } else {
        throw new Error('"logs" is required!')
      }
      
      const value_recent_events_145 = obj["recent_events"]
      if (value_recent_events_145 !== undefined) {
        json += ",\"recent_events\":"
        json += anonymous26(value_recent_events_145)
      } else {
        throw new Error('"recent_events" is required!')
      }
      
      const value_last_error_151 = obj["last_error"]
      if (value_last_error_151 !== undefined) {
        json += ",\"last_error\":"
        
          if (value_last_error_151 === null) {
            json += JSON_STR_NULL
          }
          
          else if(
            typeof value_last_error_151 === "string" ||
            value_last_error_151 === null ||
            value_last_error_151 instanceof Date ||
            value_last_error_151 instanceof RegExp ||
            (
              typeof value_last_error_151 === "object" &&
              typeof value_last_error_151.toString === "function" &&
              value_last_error_151.toString !== Object.prototype.toString
            )
          ) {
            
        if (typeof value_last_error_151 !== 'string') {
          if (value_last_error_151 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_last_error_151 instanceof Date) {
            json += JSON_STR_QUOTE + value_last_error_151.toISOString() + JSON_STR_QUOTE
          } else if (value_last_error_151 instanceof RegExp) {
            json += asString(value_last_error_151.source)
          } else {
            json += asString(value_last_error_151.toString())
          }
        } else {
          json += asString(value_last_error_151)
        }
        
          }
        
    else throw new TypeError("The value of '#/properties/last_error' does not match schema definition.")
  
      } else {
        throw new Error('"last_error" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    
    const main = anonymous0
    return main
    
})(null, serializer),
  refreshSchema: () =>
    (function (validator, serializer) {

    
const {
  asString,
  asNumber,
  asBoolean,
  asDateTime,
  asDate,
  asTime,
  asUnsafeString,
  asPlainStringArray
} = serializer

const asInteger = serializer.asInteger.bind(serializer)


    const JSON_STR_BEGIN_OBJECT = '{'
    const JSON_STR_END_OBJECT = '}'
    const JSON_STR_BEGIN_ARRAY = '['
    const JSON_STR_END_ARRAY = ']'
    const JSON_STR_COMMA = ','
    const JSON_STR_COLONS = ':'
    const JSON_STR_QUOTE = '"'
    const JSON_STR_EMPTY_OBJECT = JSON_STR_BEGIN_OBJECT + JSON_STR_END_OBJECT
    const JSON_STR_EMPTY_ARRAY = JSON_STR_BEGIN_ARRAY + JSON_STR_END_ARRAY
    const JSON_STR_EMPTY_STRING = JSON_STR_QUOTE + JSON_STR_QUOTE
    const JSON_STR_NULL = 'null'
    
  
    
    function anonymous1 (obj) {
      // "#/properties/operations"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/operations' does not match schema definition.")
    }
    const arrayLength = obj.length
  
      if (typeof arrayLength === 'number' && arrayLength >= 128 && Number.isInteger(arrayLength) && arrayLength <= 0xffffffff) {
        return asPlainStringArray(obj, arrayLength)
      }
      
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        
        if (typeof value !== 'string') {
          if (value === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value instanceof Date) {
            json += JSON_STR_QUOTE + value.toISOString() + JSON_STR_QUOTE
          } else if (value instanceof RegExp) {
            json += asString(value.source)
          } else {
            json += asString(value.toString())
          }
        } else {
          json += asString(value)
        }
        
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          
        if (typeof value !== 'string') {
          if (value === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value instanceof Date) {
            json += JSON_STR_QUOTE + value.toISOString() + JSON_STR_QUOTE
          } else if (value instanceof RegExp) {
            json += asString(value.source)
          } else {
            json += asString(value.toString())
          }
        } else {
          json += asString(value)
        }
        
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#"
      function anonymous0 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_queued_1 = obj["queued"]
      if (value_queued_1 !== undefined) {
        json += "{\"queued\":"
        json += asBoolean(value_queued_1)
      } else {
        throw new Error('"queued" is required!')
      }
      
      const value_coalesced_2 = obj["coalesced"]
      if (value_coalesced_2 !== undefined) {
        json += ",\"coalesced\":"
        json += asBoolean(value_coalesced_2)
      } else {
        throw new Error('"coalesced" is required!')
      }
      
      const value_requested_at_3 = obj["requested_at"]
      if (value_requested_at_3 !== undefined) {
        json += ",\"requested_at\":"
        json += asDateTime(value_requested_at_3)
      } else {
        throw new Error('"requested_at" is required!')
      }
      
      const value_operations_4 = obj["operations"]
      if (value_operations_4 !== undefined) {
        json += ",\"operations\":"
        json += anonymous1(value_operations_4)
      } else {
        throw new Error('"operations" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    
    const main = anonymous0
    return main
    
})(null, serializer),
  errorSchema: () =>
    (function (validator, serializer) {

    
const {
  asString,
  asNumber,
  asBoolean,
  asDateTime,
  asDate,
  asTime,
  asUnsafeString,
  asPlainStringArray
} = serializer

const asInteger = serializer.asInteger.bind(serializer)


    const JSON_STR_BEGIN_OBJECT = '{'
    const JSON_STR_END_OBJECT = '}'
    const JSON_STR_BEGIN_ARRAY = '['
    const JSON_STR_END_ARRAY = ']'
    const JSON_STR_COMMA = ','
    const JSON_STR_COLONS = ':'
    const JSON_STR_QUOTE = '"'
    const JSON_STR_EMPTY_OBJECT = JSON_STR_BEGIN_OBJECT + JSON_STR_END_OBJECT
    const JSON_STR_EMPTY_ARRAY = JSON_STR_BEGIN_ARRAY + JSON_STR_END_ARRAY
    const JSON_STR_EMPTY_STRING = JSON_STR_QUOTE + JSON_STR_QUOTE
    const JSON_STR_NULL = 'null'
    
  
    
      // "#/properties/error"
      function anonymous1 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_code_3 = obj["code"]
      if (value_code_3 !== undefined) {
        json += "{\"code\":"
        
        if (typeof value_code_3 !== 'string') {
          if (value_code_3 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_code_3 instanceof Date) {
            json += JSON_STR_QUOTE + value_code_3.toISOString() + JSON_STR_QUOTE
          } else if (value_code_3 instanceof RegExp) {
            json += asString(value_code_3.source)
          } else {
            json += asString(value_code_3.toString())
          }
        } else {
          json += asString(value_code_3)
        }
        
      } else {
        throw new Error('"code" is required!')
      }
      
      const value_message_4 = obj["message"]
      if (value_message_4 !== undefined) {
        json += ",\"message\":"
        
        if (typeof value_message_4 !== 'string') {
          if (value_message_4 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_message_4 instanceof Date) {
            json += JSON_STR_QUOTE + value_message_4.toISOString() + JSON_STR_QUOTE
          } else if (value_message_4 instanceof RegExp) {
            json += asString(value_message_4.source)
          } else {
            json += asString(value_message_4.toString())
          }
        } else {
          json += asString(value_message_4)
        }
        
      } else {
        throw new Error('"message" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    

      // "#"
      function anonymous0 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_error_1 = obj["error"]
      if (value_error_1 !== undefined) {
        json += "{\"error\":"
        json += anonymous1(value_error_1)
      } else {
        throw new Error('"error" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    
    const main = anonymous0
    return main
    
})(null, serializer),
  operatorActionSchema: () =>
    (function (validator, serializer) {

    
const {
  asString,
  asNumber,
  asBoolean,
  asDateTime,
  asDate,
  asTime,
  asUnsafeString,
  asPlainStringArray
} = serializer

const asInteger = serializer.asInteger.bind(serializer)


    const JSON_STR_BEGIN_OBJECT = '{'
    const JSON_STR_END_OBJECT = '}'
    const JSON_STR_BEGIN_ARRAY = '['
    const JSON_STR_END_ARRAY = ']'
    const JSON_STR_COMMA = ','
    const JSON_STR_COLONS = ':'
    const JSON_STR_QUOTE = '"'
    const JSON_STR_EMPTY_OBJECT = JSON_STR_BEGIN_OBJECT + JSON_STR_END_OBJECT
    const JSON_STR_EMPTY_ARRAY = JSON_STR_BEGIN_ARRAY + JSON_STR_END_ARRAY
    const JSON_STR_EMPTY_STRING = JSON_STR_QUOTE + JSON_STR_QUOTE
    const JSON_STR_NULL = 'null'
    
  
    
      // "#"
      function anonymous0 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_id_1 = obj["issue_id"]
      if (value_issue_id_1 !== undefined) {
        json += "{\"issue_id\":"
        
        if (typeof value_issue_id_1 !== 'string') {
          if (value_issue_id_1 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_id_1 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_id_1.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_id_1 instanceof RegExp) {
            json += asString(value_issue_id_1.source)
          } else {
            json += asString(value_issue_id_1.toString())
          }
        } else {
          json += asString(value_issue_id_1)
        }
        
      } else {
        throw new Error('"issue_id" is required!')
      }
      
      const value_issue_identifier_2 = obj["issue_identifier"]
      if (value_issue_identifier_2 !== undefined) {
        json += ",\"issue_identifier\":"
        
        if (typeof value_issue_identifier_2 !== 'string') {
          if (value_issue_identifier_2 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_2 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_2.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_2 instanceof RegExp) {
            json += asString(value_issue_identifier_2.source)
          } else {
            json += asString(value_issue_identifier_2.toString())
          }
        } else {
          json += asString(value_issue_identifier_2)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_status_3 = obj["status"]
      if (value_status_3 !== undefined) {
        json += ",\"status\":"
        
        if (typeof value_status_3 !== 'string') {
          if (value_status_3 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_status_3 instanceof Date) {
            json += JSON_STR_QUOTE + value_status_3.toISOString() + JSON_STR_QUOTE
          } else if (value_status_3 instanceof RegExp) {
            json += asString(value_status_3.source)
          } else {
            json += asString(value_status_3.toString())
          }
        } else {
          json += asString(value_status_3)
        }
        
      } else {
        throw new Error('"status" is required!')
      }
      
      const value_requested_at_4 = obj["requested_at"]
      if (value_requested_at_4 !== undefined) {
        json += ",\"requested_at\":"
        json += asDateTime(value_requested_at_4)
      } else {
        throw new Error('"requested_at" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    
    const main = anonymous0
    return main
    
})(null, serializer),
  sessionEventsSchema: () =>
    (function (validator, serializer) {

    
const {
  asString,
  asNumber,
  asBoolean,
  asDateTime,
  asDate,
  asTime,
  asUnsafeString,
  asPlainStringArray
} = serializer

const asInteger = serializer.asInteger.bind(serializer)


    const JSON_STR_BEGIN_OBJECT = '{'
    const JSON_STR_END_OBJECT = '}'
    const JSON_STR_BEGIN_ARRAY = '['
    const JSON_STR_END_ARRAY = ']'
    const JSON_STR_COMMA = ','
    const JSON_STR_COLONS = ':'
    const JSON_STR_QUOTE = '"'
    const JSON_STR_EMPTY_OBJECT = JSON_STR_BEGIN_OBJECT + JSON_STR_END_OBJECT
    const JSON_STR_EMPTY_ARRAY = JSON_STR_BEGIN_ARRAY + JSON_STR_END_ARRAY
    const JSON_STR_EMPTY_STRING = JSON_STR_QUOTE + JSON_STR_QUOTE
    const JSON_STR_NULL = 'null'
    
  
    
      // "#/properties/events/items"
      function anonymous2 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        let addComma_3 = false

    for (const key of Object.keys(obj)) {
      if (
        
        obj[key] === undefined ||
        typeof obj[key] === 'function' ||
        typeof obj[key] === 'symbol'
      ) continue
      const value = obj[key]
  
        json += addComma_3 ? JSON_STR_COMMA : ((addComma_3 = true), JSON_STR_BEGIN_OBJECT)
        json += asString(key) + JSON_STR_COLONS + JSON.stringify(value)
      
    }
  if (!addComma_3) json += JSON_STR_BEGIN_OBJECT

return json + JSON_STR_END_OBJECT

      }
    

    function anonymous1 (obj) {
      // "#/properties/events"
      let json = ''
  
    if (obj === null) return JSON_STR_EMPTY_ARRAY
    if (!Array.isArray(obj)) {
      throw new TypeError("The value of '#/properties/events' does not match schema definition.")
    }
    const arrayLength = obj.length
  
    json += JSON_STR_BEGIN_ARRAY
  
      if (arrayLength > 0) {
        const value = obj[0]
        json += anonymous2(value)
        for (let i = 1; i < arrayLength; i++) {
          json += JSON_STR_COMMA
          const value = obj[i]
          json += anonymous2(value)
        }
      }
      return json + JSON_STR_END_ARRAY
    }

      // "#"
      function anonymous0 (input) {
        const obj = (input && typeof input.toJSON === 'function')
    ? input.toJSON()
    : input
  
        if (obj === null) return JSON_STR_EMPTY_OBJECT
        let json = ''

        
      const value_issue_identifier_1 = obj["issue_identifier"]
      if (value_issue_identifier_1 !== undefined) {
        json += "{\"issue_identifier\":"
        
        if (typeof value_issue_identifier_1 !== 'string') {
          if (value_issue_identifier_1 === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (value_issue_identifier_1 instanceof Date) {
            json += JSON_STR_QUOTE + value_issue_identifier_1.toISOString() + JSON_STR_QUOTE
          } else if (value_issue_identifier_1 instanceof RegExp) {
            json += asString(value_issue_identifier_1.source)
          } else {
            json += asString(value_issue_identifier_1.toString())
          }
        } else {
          json += asString(value_issue_identifier_1)
        }
        
      } else {
        throw new Error('"issue_identifier" is required!')
      }
      
      const value_events_2 = obj["events"]
      if (value_events_2 !== undefined) {
        json += ",\"events\":"
        json += anonymous1(value_events_2)
      } else {
        throw new Error('"events" is required!')
      }
      
      const value_next_cursor_4 = obj["next_cursor"]
      if (value_next_cursor_4 !== undefined) {
        json += ",\"next_cursor\":"
        json += asInteger(value_next_cursor_4)
      } else {
        throw new Error('"next_cursor" is required!')
      }
      
      const value_has_more_5 = obj["has_more"]
      if (value_has_more_5 !== undefined) {
        json += ",\"has_more\":"
        json += asBoolean(value_has_more_5)
      } else {
        throw new Error('"has_more" is required!')
      }
      
return json + JSON_STR_END_OBJECT

      }
    
    const main = anonymous0
    return main
    
})(null, serializer),
  textSchema: () =>
    (function (validator, serializer) {

    
const {
  asString,
  asNumber,
  asBoolean,
  asDateTime,
  asDate,
  asTime,
  asUnsafeString,
  asPlainStringArray
} = serializer

const asInteger = serializer.asInteger.bind(serializer)


    const JSON_STR_BEGIN_OBJECT = '{'
    const JSON_STR_END_OBJECT = '}'
    const JSON_STR_BEGIN_ARRAY = '['
    const JSON_STR_END_ARRAY = ']'
    const JSON_STR_COMMA = ','
    const JSON_STR_COLONS = ':'
    const JSON_STR_QUOTE = '"'
    const JSON_STR_EMPTY_OBJECT = JSON_STR_BEGIN_OBJECT + JSON_STR_END_OBJECT
    const JSON_STR_EMPTY_ARRAY = JSON_STR_BEGIN_ARRAY + JSON_STR_END_ARRAY
    const JSON_STR_EMPTY_STRING = JSON_STR_QUOTE + JSON_STR_QUOTE
    const JSON_STR_NULL = 'null'
    
  
    function main (input) {
      let json = ''
      
        if (typeof input !== 'string') {
          if (input === null) {
            json += JSON_STR_EMPTY_STRING
          } else if (input instanceof Date) {
            json += JSON_STR_QUOTE + input.toISOString() + JSON_STR_QUOTE
          } else if (input instanceof RegExp) {
            json += asString(input.source)
          } else {
            json += asString(input.toString())
          }
        } else {
          json += asString(input)
        }
        
      return json
    }
    
    return main
    
})(null, serializer),
};
